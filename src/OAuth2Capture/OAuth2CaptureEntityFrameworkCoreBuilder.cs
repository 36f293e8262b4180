using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Storage;

namespace OAuth2Capture;

/// <summary>Configures where OAuth2Capture stores connections through EF Core.</summary>
public sealed class OAuth2CaptureEntityFrameworkCoreBuilder
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="services">The services being configured.</param>
    internal OAuth2CaptureEntityFrameworkCoreBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>Gets the services being configured.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public IServiceCollection Services { get; }

    /// <summary>
    /// Stores connections in the app's own context instead of the library's. The context must map the entity
    /// (<c>modelBuilder.UseOAuth2Capture()</c> in <c>OnModelCreating</c>), be registered by the app (<c>AddDbContext</c>),
    /// and carry the table in the app's own migrations; the library then applies no migrations.
    /// </summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <returns>This builder, so calls chain.</returns>
    public OAuth2CaptureEntityFrameworkCoreBuilder UseDbContext<TContext>()
        where TContext : DbContext
    {
        Services.AddOAuth2CaptureStore<TContext>();
        return this;
    }
}

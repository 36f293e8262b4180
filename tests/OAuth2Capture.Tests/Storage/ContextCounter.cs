using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>Counts the store contexts the library builds: every scope that resolves its context passes through <see cref="Register"/>'s registration.</summary>
internal sealed class ContextCounter
{
    private int count;

    public int Count => Volatile.Read(ref count);

    /// <summary>Replaces the library's own context registration with the same one, counted.</summary>
    public void Register(IServiceCollection services)
        => services.Replace(ServiceDescriptor.Scoped(provider =>
        {
            Interlocked.Increment(ref count);
            return new OAuth2CaptureDbContext(provider.GetRequiredService<DbContextOptions<OAuth2CaptureDbContext>>());
        }));
}

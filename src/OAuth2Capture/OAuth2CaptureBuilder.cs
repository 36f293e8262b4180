using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using OAuth2Capture.Background;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Reauth;

namespace OAuth2Capture;

/// <summary>Configures OAuth2Capture after <c>AddOAuth2Capture</c>; every method returns the builder so calls chain.</summary>
public sealed class OAuth2CaptureBuilder
{
    internal OAuth2CaptureBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the services being configured.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public IServiceCollection Services { get; }

    /// <summary>Changes the options in code, after configuration binding.</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public OAuth2CaptureBuilder Configure(Action<OAuth2CaptureOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Adds or changes a provider in code. A built-in name (<c>github</c>, …) needs only credentials; any other name is a generic provider.</summary>
    /// <param name="name">The provider name.</param>
    /// <param name="configure">Sets the provider's options.</param>
    /// <returns>This builder.</returns>
    public OAuth2CaptureBuilder AddProvider(string name, Action<OAuthProviderOptions> configure)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure<OAuth2CaptureOptions>(options =>
        {
            if (!options.Providers.TryGetValue(name, out var provider))
            {
                provider = new OAuthProviderOptions();
                options.Providers[name] = provider;
            }

            configure(provider);
        });
        return this;
    }

    /// <summary>Resolves the app's events from DI (constructor injection) instead of <see cref="OAuth2CaptureOptions.Events"/>.</summary>
    /// <typeparam name="TEvents">A type derived from <see cref="Reauth.OAuth2CaptureEvents"/>.</typeparam>
    /// <returns>This builder.</returns>
    public OAuth2CaptureBuilder AddEvents<TEvents>()
        where TEvents : Reauth.OAuth2CaptureEvents
    {
        Services.AddScoped<TEvents>();
        Services.Configure<OAuth2CaptureOptions>(options => options.EventsType = typeof(TEvents));
        return this;
    }

    /// <summary>Replaces the wording of the messages shown to users who must (re)connect (for example to localize them).</summary>
    /// <typeparam name="TProvider">The message provider, resolved from DI as a singleton.</typeparam>
    /// <returns>This builder.</returns>
    public OAuth2CaptureBuilder UseReauthMessageProvider<TProvider>()
        where TProvider : class, IReauthMessageProvider
    {
        Services.Replace(ServiceDescriptor.Singleton<IReauthMessageProvider, TProvider>());
        return this;
    }

    /// <summary>
    /// Stores connections in the app's own context instead of the library's SQLite one. The context must map the entity
    /// (<c>modelBuilder.UseOAuth2Capture()</c> in <c>OnModelCreating</c>), be registered by the app (<c>AddDbContext</c>),
    /// and carry the table in the app's own migrations; the library then applies no migrations.
    /// </summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <returns>This builder.</returns>
    public OAuth2CaptureBuilder UseDbContext<TContext>()
        where TContext : DbContext
    {
        Services.AddOAuth2CaptureStore<TContext>();
        return this;
    }

    /// <summary>
    /// Enables the background refresher (the same as <c>OAuth2Capture:BackgroundRefresh:Enabled = true</c>), optionally
    /// changing its settings after configuration binding. Safe with several app instances on one database.
    /// </summary>
    /// <param name="configure">Changes the settings, for example <c>o =&gt; o.KeepAliveAfterByProvider["youtube"] = TimeSpan.FromDays(150)</c>.</param>
    /// <returns>This builder.</returns>
    public OAuth2CaptureBuilder AddBackgroundRefresh(Action<OAuth2CaptureBackgroundRefreshOptions>? configure = null)
    {
        Services.AddOAuth2CaptureBackground();
        return Configure(options =>
        {
            options.BackgroundRefresh.Enabled = true;
            configure?.Invoke(options.BackgroundRefresh);
        });
    }

    /// <summary>
    /// Registers a notifier (scoped, so it may use the app's <c>DbContext</c>) told once per transition when a connection needs
    /// re-auth, recovers, or is about to end without renewal. Several notifiers may be registered; each type once.
    /// </summary>
    /// <typeparam name="TNotifier">The notifier.</typeparam>
    /// <returns>This builder.</returns>
    public OAuth2CaptureBuilder AddReauthNotifier<TNotifier>()
        where TNotifier : class, IReauthNotifier
    {
        Services.TryAddEnumerable(ServiceDescriptor.Scoped<IReauthNotifier, TNotifier>());
        return this;
    }
}

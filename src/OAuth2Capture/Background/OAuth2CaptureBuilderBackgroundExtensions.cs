using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OAuth2Capture.Background;
using OAuth2Capture.Reauth;

namespace OAuth2Capture;

/// <summary>Turns on the background refresher and registers re-auth notifiers, on <see cref="OAuth2CaptureBuilder"/>.</summary>
public static class OAuth2CaptureBuilderBackgroundExtensions
{
    /// <summary>
    /// Enables the background refresher (the same as <c>OAuth2Capture:BackgroundRefresh:Enabled = true</c>), optionally
    /// changing its settings after configuration binding. Safe with several app instances on one database.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the settings, for example <c>o =&gt; o.KeepAliveAfterByProvider["youtube"] = TimeSpan.FromDays(150)</c>.</param>
    /// <returns>The builder.</returns>
    public static OAuth2CaptureBuilder AddBackgroundRefresh(this OAuth2CaptureBuilder builder, Action<OAuth2CaptureBackgroundRefreshOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOAuth2CaptureBackground();
        return builder.Configure(options =>
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
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static OAuth2CaptureBuilder AddReauthNotifier<TNotifier>(this OAuth2CaptureBuilder builder)
        where TNotifier : class, IReauthNotifier
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<IReauthNotifier, TNotifier>());
        return builder;
    }
}

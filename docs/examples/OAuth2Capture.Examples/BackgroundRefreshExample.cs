using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace OAuth2Capture.Examples;

/// <summary>Turning on the background refresher, the re-auth notifier and the health check.</summary>
public static class BackgroundRefreshExample
{
    /// <summary>Registers OAuth2Capture with background refresh, e-mail notifications and a health check.</summary>
    /// <param name="builder">The app builder.</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder AddBackgroundRefreshExample(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // <snippet:background-refresh-enable>
        builder.Services.AddOAuth2Capture(builder.Configuration.GetSection("OAuth2Capture"))
            .AddBackgroundRefresh(o => o.KeepAliveAfterByProvider["youtube"] = TimeSpan.FromDays(150))
            .AddReauthNotifier<EmailReauthNotifier>();

        // What the notifier needs: the app's mail queue (its sender reads it) and the address the links point at.
        builder.Services.AddSingleton<QueuedEmailOutbox>();
        builder.Services.AddSingleton<IEmailOutbox>(services => services.GetRequiredService<QueuedEmailOutbox>());
        builder.Services.Configure<EmailReauthNotifierOptions>(builder.Configuration.GetSection("Email"));

        builder.Services.AddHealthChecks().AddOAuth2Capture(degradedShare: 0.2);
        // </snippet:background-refresh-enable>
        return builder;
    }
}

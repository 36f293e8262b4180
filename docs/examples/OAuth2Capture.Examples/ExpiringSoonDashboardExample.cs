using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OAuth2Capture.Http;
using OAuth2Capture.Providers;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Examples;

/// <summary>One dashboard warning: a connection the user must renew before it stops working.</summary>
/// <param name="Provider">The provider name.</param>
/// <param name="Account">The provider account's display name.</param>
/// <param name="ExpiresAt">When the connection stops working.</param>
/// <param name="Message">What to show.</param>
/// <param name="ReconnectUrl">Where the "Reconnect now" button goes.</param>
public sealed record ConnectionWarning(string Provider, string? Account, DateTimeOffset ExpiresAt, string Message, string ReconnectUrl);

/// <summary>Warn before expiry: connections whose grant ends soon and cannot be renewed silently.</summary>
public static class ExpiringSoonDashboardExample
{
    /// <summary>Maps <c>GET /dashboard/warnings</c>.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapConnectionWarnings(this IEndpointRouteBuilder app)
    {
        // <snippet:expiring-soon>
        app.MapGet("/dashboard/warnings", async (HttpContext context, ITokenValidityService tokens, IOAuthProviderCatalog providers, TimeProvider time) =>
        {
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;

            // Connections whose refresh token (or, without one, access token) ends within OAuth2CaptureOptions.ExpiringSoonWindow.
            var expiring = await tokens.GetExpiringConnectionsAsync(userId, cancellationToken: context.RequestAborted);
            var now = time.GetUtcNow();
            return expiring.Select(connection =>
            {
                var name = providers.TryGet(connection.Provider, out var provider) ? provider.DisplayName : connection.Provider;
                var days = Math.Max(0, (int)Math.Floor((connection.ExpiresAt - now).TotalDays));
                var when = days == 0 ? "today" : days == 1 ? "tomorrow" : $"in {days} days";
                return new ConnectionWarning(connection.Provider, connection.DisplayName, connection.ExpiresAt,
                    $"Your {name} connection ({connection.DisplayName}) stops working {when}. Reconnect now to keep your scheduled posts going.",
                    context.GetConnectUrl(connection.Provider, returnUrl: "/dashboard"));
            }).ToList();
        }).RequireAuthorization();
        // </snippet:expiring-soon>
        return app;
    }
}

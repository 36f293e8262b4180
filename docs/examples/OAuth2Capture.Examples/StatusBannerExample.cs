using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OAuth2Capture.Http;

namespace OAuth2Capture.Examples;

/// <summary>
/// The status feature that <c>app.UseOAuth2Capture()</c> puts on every request: what a layout needs for a banner.
/// Razor layouts use the tag helper instead: <c>&lt;oauth2capture-reauth-banner /&gt;</c>.
/// </summary>
public static class StatusBannerExample
{
    /// <summary>Maps <c>GET /api/banner</c>: the banners a single-page app shows.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapBannerApi(this IEndpointRouteBuilder app)
    {
        // <snippet:status-banner>
        app.MapGet("/api/banner", async (HttpContext context) =>
        {
            // Installed by app.UseOAuth2Capture(); one store query for all providers, no provider call.
            var status = context.GetOAuthStatus();
            if (status is null)
            {
                return Results.Ok(Array.Empty<object>()); // not signed in
            }

            var providers = await status.GetProvidersAsync(context.RequestAborted);
            return Results.Ok(providers
                .Where(p => p.NeedsReauth || p.ExpiresSoon)
                .Select(p => new { p.Provider, p.DisplayName, p.State, p.Reason, p.ExpiresSoon, p.Message, p.ReconnectUrl }));
        }).RequireAuthorization();
        // </snippet:status-banner>
        return app;
    }
}

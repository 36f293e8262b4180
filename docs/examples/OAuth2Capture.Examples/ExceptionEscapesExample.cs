using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OAuth2Capture.Examples;

/// <summary>
/// The "let the exception escape" pattern: straight-line code; when there is no usable token the
/// <c>OAuthTokenException</c> escapes and <c>app.UseOAuth2Capture()</c> answers it as <c>[RequireOAuthToken]</c> would.
/// </summary>
public static class ExceptionEscapesExample
{
    /// <summary>Maps <c>GET /me</c>, which reads the user's profile at the provider through <see cref="ProviderApiClient"/>.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="profilePath">The provider API path of the profile.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapMyProfile(this IEndpointRouteBuilder app, string provider, string profilePath)
    {
        // <snippet:exception-escapes>
        app.MapGet("/me", async (HttpContext context, ProviderApiClient api) =>
        {
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;

            // No try/catch: without a usable token GetRequiredTokenAsync (inside the client) throws, and
            // app.UseOAuth2Capture() answers: reconnect and come back here, 403 problem, 503 or 500.
            var profile = await api.GetAsync(userId, provider, profilePath, context.RequestAborted);
            return Results.Text(profile, "application/json");
        }).RequireAuthorization();
        // </snippet:exception-escapes>
        return app;
    }
}

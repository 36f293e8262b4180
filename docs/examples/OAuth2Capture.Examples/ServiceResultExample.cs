using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OAuth2Capture.Http;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Examples;

/// <summary>The service-result pattern: ask <see cref="ITokenValidityService"/> and act on every <see cref="TokenStatus"/>.</summary>
public static class ServiceResultExample
{
    /// <summary>Maps <c>GET /repositories</c>, a page that needs the user's token.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <param name="provider">The provider (for example <c>github</c>).</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapRepositoriesPage(this IEndpointRouteBuilder app, string provider = "github")
    {
        // <snippet:service-result>
        app.MapGet("/repositories", async (HttpContext context, ITokenValidityService tokens) =>
        {
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var token = await tokens.GetValidTokenAsync(userId, provider, context.RequestAborted);
            switch (token.Status)
            {
                case TokenStatus.Valid or TokenStatus.Refreshed:
                    // Call the API with token.TokenType and token.AccessToken.
                    return Results.Text($"Listing your repositories ({token.Status}).");

                case TokenStatus.NotConnected or TokenStatus.ReauthRequired:
                    // Only the user can fix it: (re)connect, then come back to this very page.
                    return Results.Redirect(context.GetConnectUrl(provider, context.GetCurrentLocalUrl()));

                case TokenStatus.TemporarilyUnavailable:
                    // The provider is down or rate limiting: never ask the user to reconnect for this.
                    if (token.RetryAfter is { } wait)
                    {
                        context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                    }

                    return Results.Problem("GitHub is not answering right now. Try again in a few minutes.", statusCode: 503);

                default: // TokenStatus.ConfigurationError: the operator's to fix (client secret, endpoints).
                    return Results.Problem("The GitHub integration is misconfigured; the error is logged for the site's operators.", statusCode: 500);
            }
        }).RequireAuthorization();
        // </snippet:service-result>
        return app;
    }
}

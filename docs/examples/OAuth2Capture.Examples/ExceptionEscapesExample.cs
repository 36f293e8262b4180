using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Examples;

/// <summary>
/// The "let the exception escape" pattern: straight-line code; when there is no usable token the
/// <c>OAuthTokenException</c> escapes and <c>app.UseOAuth2Capture()</c> answers it as <c>[RequireOAuthToken]</c> would.
/// Here with another HTTP stack than the library's handler (a provider SDK would do the same), which reports the API's
/// 401 itself.
/// </summary>
public static class ExceptionEscapesExample
{
    /// <summary>Maps <c>GET /me</c>, which reads the user's profile at the provider with a token from the service.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="profileUri">The provider API's profile URI.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapMyProfile(this IEndpointRouteBuilder app, string provider, Uri profileUri)
    {
        // <snippet:exception-escapes>
        app.MapGet("/me", async (HttpContext context, ITokenValidityService tokens, IHttpClientFactory clients) =>
        {
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;

            // No try/catch: without a usable token this throws, and app.UseOAuth2Capture() answers:
            // reconnect and come back here, a 403 problem, a 503 or a 500.
            var token = await tokens.GetRequiredTokenAsync(userId, provider, context.RequestAborted);
            using var request = new HttpRequestMessage(HttpMethod.Get, profileUri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            using var response = await clients.CreateClient().SendAsync(request, context.RequestAborted);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                // Not the library's handler: report the 401, and the library decides once whether the grant is dead.
                var verdict = await tokens.ReportRejectedAccessTokenAsync(token.ConnectionId!.Value, token.AccessToken!, context.RequestAborted);
                if (!verdict.Succeeded)
                {
                    throw OAuthTokenException.FromResult(verdict);
                }

                return Results.Problem("The profile could not be read; try again.", statusCode: StatusCodes.Status502BadGateway);
            }

            return Results.Text(await response.Content.ReadAsStringAsync(context.RequestAborted), "application/json");
        }).RequireAuthorization();
        // </snippet:exception-escapes>
        return app;
    }
}

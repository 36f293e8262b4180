using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using OAuth2Capture.Http;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// Straight-line app code that lets an <see cref="OAuthTokenException"/> escape (see <see cref="TokenExceptionAnswerTests"/>):
/// minimal-API endpoints here, MVC actions in <see cref="RequiredTokenController"/>.
/// </summary>
internal static class TokenExceptionEndpoints
{
    /// <summary>The app's HTTP client of the DevProvider's API (its user-info endpoint), with <c>AddOAuth2CaptureToken</c>.</summary>
    public const string ApiClient = "dev-api";

    public static void Map(WebApplication app, Uri userInfo)
    {
        // The straight-line call of issue 12: the handler attaches the token and throws when the API says it is dead.
        app.MapGet("/api/me", async (HttpContext context, IHttpClientFactory clients, string? owner) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, userInfo);
            if (owner is not null)
            {
                request.SetOAuth2CaptureOwner(owner);
            }

            using var response = await clients.CreateClient(ApiClient).SendAsync(request, context.RequestAborted);
            return Results.Text(await response.Content.ReadAsStringAsync(context.RequestAborted), "application/json", statusCode: (int)response.StatusCode);
        });

        app.MapGet("/api/required", async (HttpContext context, ITokenValidityService tokens) =>
            Answer(await tokens.GetRequiredTokenAsync(UserId(context), WebAppHarness.Provider, context.RequestAborted)));

        // Someone else's connection (or, for an anonymous caller, any): not the signed-in user's to fix.
        app.MapGet("/api/required/for", async (HttpContext context, ITokenValidityService tokens, string owner) =>
            Answer(await tokens.GetRequiredTokenAsync(owner, WebAppHarness.Provider, context.RequestAborted)));

        app.MapGet("/api/required/started", async (HttpContext context, ITokenValidityService tokens) =>
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("partial ", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await tokens.GetRequiredTokenAsync(UserId(context), WebAppHarness.Provider, context.RequestAborted);
            return Results.Empty;
        });

        // What an API answering 403 insufficient_scope leads to: the grant is fine, it lacks a scope.
        app.MapGet("/api/required/scope", async (HttpContext context, ITokenValidityService tokens) =>
        {
            var token = await tokens.GetRequiredTokenAsync(UserId(context), WebAppHarness.Provider, context.RequestAborted);
            throw MissingWrite(token);
        });

        // The filter passed (the stored token is not expired), then the provider says the grant is gone.
        app.MapGet("/api/guarded/probe", async (HttpContext context, ITokenValidityService tokens) =>
            Answer(await ProbeAsync(context.GetOAuthToken(WebAppHarness.Provider)!, tokens, context.RequestAborted)))
            .RequireOAuthToken(WebAppHarness.Provider);
    }

    public static string UserId(HttpContext context) => context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    public static InsufficientScopeException MissingWrite(TokenResult token)
        => (InsufficientScopeException)OAuthTokenException.FromResult(TokenResult.InsufficientScope(token.Provider, token.ConnectionId!.Value,
            ["write"], $"The stored {token.Provider} grant lacks the scope(s) write."));

    /// <summary>Asks the provider (introspection) whether the token still works; throws <see cref="TokenRevokedException"/> when not.</summary>
    public static async Task<TokenResult> ProbeAsync(TokenResult token, ITokenValidityService tokens, CancellationToken cancellationToken)
    {
        var verdict = await tokens.ValidateWithProviderAsync(token.ConnectionId!.Value, cancellationToken);
        return verdict.State == TokenValidationState.Inactive
            ? throw OAuthTokenException.FromResult(TokenResult.ReauthRequired(token.Provider, token.ConnectionId.Value, OAuth2Capture.ReauthReason.Revoked))
            : token;
    }

    public static IResult Answer(TokenResult token) => Results.Json(new TokenAnswerBody(token.Status.ToString(), token.AccessToken, token.Scope));
}

/// <summary>MVC actions that call <see cref="ITokenValidityService.GetRequiredTokenAsync"/> and let the exception escape.</summary>
[Route("mvc")]
public sealed class RequiredTokenController(ITokenValidityService tokens) : Controller
{
    [HttpGet("required")]
    public async Task<TokenAnswerBody> Required()
    {
        var token = await tokens.GetRequiredTokenAsync(TokenExceptionEndpoints.UserId(HttpContext), WebAppHarness.Provider, HttpContext.RequestAborted);
        return new TokenAnswerBody(token.Status.ToString(), token.AccessToken, token.Scope);
    }

    [HttpGet("required/scope")]
    public async Task<IActionResult> Scope()
    {
        var token = await tokens.GetRequiredTokenAsync(TokenExceptionEndpoints.UserId(HttpContext), WebAppHarness.Provider, HttpContext.RequestAborted);
        throw TokenExceptionEndpoints.MissingWrite(token);
    }

    [HttpGet("guarded/probe")]
    [RequireOAuthToken(WebAppHarness.Provider)]
    public async Task<TokenAnswerBody> Probe()
    {
        var token = await TokenExceptionEndpoints.ProbeAsync(HttpContext.GetOAuthToken(WebAppHarness.Provider)!, tokens, HttpContext.RequestAborted);
        return new TokenAnswerBody(token.Status.ToString(), token.AccessToken, token.Scope);
    }
}

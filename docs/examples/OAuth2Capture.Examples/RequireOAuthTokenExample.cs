using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using OAuth2Capture.Http;

namespace OAuth2Capture.Examples;

// <snippet:require-attribute>
/// <summary>An MVC controller whose actions need the user's GitHub token; the filter handles every failure.</summary>
[Authorize]
[Route("issues")]
public sealed class IssuesController : Controller
{
    /// <summary>Lists issues. Runs only with a usable token; otherwise the user is sent to (re)connect and back here,
    /// an API caller gets a 403 problem with a <c>reauthUrl</c>, and outages answer 503.</summary>
    /// <returns>The page.</returns>
    [HttpGet("")]
    [RequireOAuthToken(RequireOAuthTokenExample.Provider, Scopes = ["read"])]
    public IActionResult Index()
    {
        var token = HttpContext.GetOAuthToken(RequireOAuthTokenExample.Provider)!; // Valid or Refreshed
        return Content($"Issues, read with a {token.TokenType} token ({token.Status}).");
    }
}
// </snippet:require-attribute>

/// <summary>The attribute and the endpoint filter: the library answers every failure the same way.</summary>
public static class RequireOAuthTokenExample
{
    /// <summary>The provider of the examples (the DevProvider in the docs tests; <c>github</c> in a real app).</summary>
    public const string Provider = "dev";

    /// <summary>Maps <c>GET /api/issues</c> behind <c>.RequireOAuthToken()</c>.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapIssuesApi(this IEndpointRouteBuilder app)
    {
        // <snippet:require-endpoint-filter>
        app.MapGet("/api/issues", (HttpContext context) =>
        {
            var token = context.GetOAuthToken(Provider)!;
            return Results.Ok(new { status = token.Status.ToString(), scope = token.Scope });
        })
        .RequireAuthorization()
        .RequireOAuthToken(Provider, "read");
        // </snippet:require-endpoint-filter>
        return app;
    }
}

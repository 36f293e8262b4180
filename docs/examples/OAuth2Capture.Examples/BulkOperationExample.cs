using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OAuth2Capture.Http;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Examples;

/// <summary>What happened to one provider in a cross-post.</summary>
/// <param name="Provider">The provider name.</param>
/// <param name="Outcome"><c>posted</c>, <c>reconnect</c>, <c>retry_later</c> or <c>operator</c>.</param>
/// <param name="Reason">The <see cref="ReauthReason"/> when the user must reconnect.</param>
/// <param name="ReconnectUrl">The (re)connect URL when the user must reconnect.</param>
/// <param name="RetryAfter">When to retry, when the provider said so.</param>
public sealed record CrossPostOutcome(string Provider, string Outcome, string? Reason = null, string? ReconnectUrl = null, TimeSpan? RetryAfter = null);

/// <summary>The text to cross-post.</summary>
/// <param name="Text">The text.</param>
public sealed record CrossPostRequest(string Text);

/// <summary>Bulk operation: one action over several providers; one dead connection never blocks the others.</summary>
public static class BulkOperationExample
{
    /// <summary>Maps <c>POST /crosspost</c> (JSON <c>{"text":"…"}</c>), posting to every given provider.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <param name="providers">The providers to post to.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapCrossPost(this IEndpointRouteBuilder app, params string[] providers)
    {
        // <snippet:bulk-operation>
        app.MapPost("/crosspost", async (HttpContext context, CrossPostRequest post, ITokenValidityService tokens) =>
        {
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var outcomes = new List<CrossPostOutcome>();

            // One provider after another: the service is scoped (one DbContext), and each answer is independent.
            foreach (var provider in providers)
            {
                var token = await tokens.GetValidTokenAsync(userId, provider, context.RequestAborted);
                outcomes.Add(token.Status switch
                {
                    TokenStatus.Valid or TokenStatus.Refreshed => new(provider, "posted"), // post with token.AccessToken
                    TokenStatus.ReauthRequired or TokenStatus.NotConnected => new(provider, "reconnect", token.Reason.ToString(),
                        context.GetConnectUrl(provider, returnUrl: "/compose")),
                    TokenStatus.TemporarilyUnavailable => new(provider, "retry_later", RetryAfter: token.RetryAfter),
                    _ => new(provider, "operator"), // ConfigurationError: the operator's (a rejected client, event 2005; an unconfigured name; unreadable tokens, 2101); nothing the user can do
                });
            }

            // Never redirect in the middle of a batch: report every outcome and let the user reconnect what needs it.
            return Results.Ok(outcomes);
        }).RequireAuthorization();
        // </snippet:bulk-operation>
        return app;
    }
}

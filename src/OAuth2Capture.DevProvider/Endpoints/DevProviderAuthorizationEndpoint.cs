using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using OAuth2Capture.DevProvider.Internal;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OAuth2Capture.DevProvider.Endpoints;

/// <summary>
/// The authorization endpoint (passthrough): approves at once for the <c>login_hint</c> user (or the default user),
/// or shows a plain consent page whose Approve and Deny buttons post the request back.
/// </summary>
internal static class DevProviderAuthorizationEndpoint
{
    /// <summary>The form field the consent page's buttons post back.</summary>
    public const string DecisionParameter = "dev_decision";

    private const string Approve = "approve";
    private const string Deny = "deny";

    public static async Task<IResult> HandleAsync(
        HttpContext context, DevProviderOptions options, IOpenIddictApplicationManager applications)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict authorization request could not be retrieved.");
        var userName = !string.IsNullOrEmpty(request.LoginHint) ? request.LoginHint
            : options.UserResolver?.Invoke(context) is { Length: > 0 } resolved ? resolved
            : options.DefaultUser;

        if (!options.AutoApprove)
        {
            var decision = context.Request.HasFormContentType
                ? (string?)(await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false))[DecisionParameter]
                : null;
            if (string.Equals(decision, Deny, StringComparison.Ordinal))
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user denied the authorization request.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            if (!string.Equals(decision, Approve, StringComparison.Ordinal))
            {
                var parameters = context.Request.HasFormContentType
                    ? (IEnumerable<KeyValuePair<string, StringValues>>)await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)
                    : context.Request.Query;
                var client = request.ClientId is { } clientId
                    && await applications.FindByClientIdAsync(clientId, context.RequestAborted).ConfigureAwait(false) is { } found
                    ? await applications.GetDisplayNameAsync(found, context.RequestAborted).ConfigureAwait(false) ?? clientId
                    : request.ClientId ?? string.Empty;
                return Results.Content(
                    RenderConsentPage(context, request, client, userName, parameters), "text/html; charset=utf-8", Encoding.UTF8);
            }
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The client application cannot be found.");

        var granted = new List<string>();
        foreach (var scope in request.GetScopes())
        {
            if (scope is Scopes.OpenId or Scopes.OfflineAccess
                || await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope, context.RequestAborted).ConfigureAwait(false))
            {
                granted.Add(scope);
            }
        }

        var user = DevUserDirectory.Describe(userName);
        var identity = new ClaimsIdentity("OAuth2Capture.DevProvider", Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject)
            .SetClaim(Claims.Name, user.Name)
            .SetClaim(Claims.PreferredUsername, user.Subject)
            .SetClaim(Claims.Email, user.Email);
        identity.SetScopes(granted);
        identity.SetDestinations(static _ => [Destinations.AccessToken, Destinations.IdentityToken]);

        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static string RenderConsentPage(
        HttpContext context, OpenIddictRequest request, string client, string userName, IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append("<title>Authorize ").Append(html.Encode(client)).Append(" - DevProvider</title><style>")
            .Append("body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}")
            .Append(".card{border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.5rem}")
            .Append("button{font:inherit;padding:.5rem 1rem;margin-right:.5rem;border-radius:6px;border:1px solid #8c959f;cursor:pointer}")
            .Append("button[value=approve]{background:#1f883d;color:#fff;border-color:#1a7f37}")
            .Append("button:focus-visible{outline:3px solid #0969da;outline-offset:2px}")
            .Append("</style></head><body><main class=\"card\">");
        page.Append("<p>DevProvider (a local OAuth 2.0 server for development)</p>");
        page.Append("<h1>Authorize ").Append(html.Encode(client)).Append("</h1>");
        page.Append("<p>Signed in as <strong>").Append(html.Encode(userName)).Append("</strong>. <strong>")
            .Append(html.Encode(client)).Append("</strong> asks to act on your behalf with these scopes: <code>")
            .Append(html.Encode(string.Join(' ', request.GetScopes()))).Append("</code></p>");
        page.Append("<form method=\"post\" action=\"")
            .Append(html.Encode((context.Request.PathBase + context.Request.Path).ToString())).Append("\">");
        foreach (var (name, values) in parameters)
        {
            if (string.Equals(name, DecisionParameter, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var value in values)
            {
                page.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name))
                    .Append("\" value=\"").Append(html.Encode(value ?? string.Empty)).Append("\">");
            }
        }

        page.Append("<button type=\"submit\" name=\"").Append(DecisionParameter).Append("\" value=\"").Append(Approve).Append("\">Approve</button>");
        page.Append("<button type=\"submit\" name=\"").Append(DecisionParameter).Append("\" value=\"").Append(Deny).Append("\">Deny</button>");
        page.Append("</form></main></body></html>");
        return page.ToString();
    }
}

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
        var userName = string.IsNullOrEmpty(request.LoginHint) ? options.DefaultUser : request.LoginHint;

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
                return Results.Content(
                    RenderConsentPage(context, request, userName, parameters), "text/html; charset=utf-8", Encoding.UTF8);
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
        HttpContext context, OpenIddictRequest request, string userName, IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Authorize</title></head><body>");
        page.Append("<h1>Authorize ").Append(html.Encode(request.ClientId ?? string.Empty)).Append("</h1>");
        page.Append("<p>Signed in as <strong>").Append(html.Encode(userName)).Append("</strong>. Requested scopes: ")
            .Append(html.Encode(string.Join(' ', request.GetScopes()))).Append("</p>");
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
        page.Append("</form></body></html>");
        return page.ToString();
    }
}

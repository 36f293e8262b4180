using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http.Endpoints;

/// <summary><c>GET {prefix}/</c>: the signed-in user's connections, JSON for API callers and a plain page for browsers.</summary>
internal static class ListEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        IOwnerIdResolver ownerResolver,
        ITokenStore store,
        TokenSecrets secrets,
        IOAuthProviderCatalog catalog,
        IAntiforgery antiforgery,
        TimeProvider time,
        OAuth2CaptureEndpointLinks links,
        IOptionsMonitor<OAuth2CaptureOptions> options)
    {
        var owner = ownerResolver.GetOwnerId(context.User);
        if (owner is null)
        {
            return Errors.NotSignedIn();
        }

        var rows = await store.ListByOwnerAsync(owner, context.RequestAborted).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var window = options.CurrentValue.ExpiringSoonWindow;
        var here = context.GetCurrentLocalUrl();
        var summaries = rows.Select(Summarize).ToList();

        ConnectionSummary Summarize(OAuthToken row)
        {
            var configured = catalog.TryGet(row.Provider, out var provider);
            var strategy = ConnectionRules.StrategyFor(catalog, row.Provider);
            var reason = ConnectionRules.ReauthReasonAt(row, strategy, now);
            var state = OAuthStatusFeature.StateOf(reason, secrets, row);
            return new ConnectionSummary(
                row.Id,
                row.Provider,
                configured ? provider!.DisplayName : row.Provider,
                row.DisplayName,
                state.ToString(),
                reason == ReauthReason.None ? null : reason.ToString(),
                row.AccessTokenExpiresAt,
                row.RefreshTokenExpiresAt,
                ConnectionRules.ExpiresSoon(row, strategy, now, window),
                row.LastError,
                row.CreatedAt,
                row.LastRefreshedAt,
                links.Connect(context.Request.PathBase, row.Provider, here),
                links.Revoke(context.Request.PathBase, row.Id),
                state == OAuthConnectionState.Unavailable ? OAuth2CaptureErrorCodes.TokenUnreadable : null);
        }

        if (!OAuth2CaptureErrorWriter.WantsHtml(context.Request))
        {
            return Results.Json(summaries);
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Content(RenderPage(summaries, tokens, here), "text/html; charset=utf-8");
    }

    private static string RenderPage(List<ConnectionSummary> connections, AntiforgeryTokenSet tokens, string here)
    {
        static string E(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);
        var html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Your connected accounts</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}")
            .Append("td,th{border-bottom:1px solid #d0d7de;padding:.5rem;text-align:left}.dead{color:#cf222e}</style></head><body><main><h1>Your connected accounts</h1>");
        if (connections.Count == 0)
        {
            html.Append("<p>You have not connected any account yet.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>Provider</th><th>Account</th><th>Status</th><th>Expires</th><th>Actions</th></tr></thead><tbody>");
            foreach (var c in connections)
            {
                var expires = (c.RefreshTokenExpiresAt ?? c.AccessTokenExpiresAt)?.ToString("u", CultureInfo.InvariantCulture) ?? "—";
                html.Append("<tr><td>").Append(E(c.ProviderDisplayName)).Append("</td><td>").Append(E(c.AccountName)).Append("</td><td")
                    .Append(c.Reason is null && c.Error is null ? ">" : " class=\"dead\">")
                    .Append(E(c.Reason is not null ? $"Needs reconnecting ({c.Reason})" : c.Error is not null ? "Can't be used right now (a problem on our side)" : c.Status))
                    .Append("</td><td>").Append(E(expires)).Append(c.ExpiresSoon ? " (soon)" : string.Empty).Append("</td><td>")
                    .Append("<a href=\"").Append(E(c.ReconnectUrl)).Append("\">Reconnect</a> ")
                    .Append("<form method=\"post\" action=\"").Append(E(c.RevokeUrl)).Append("\" style=\"display:inline\">")
                    .Append("<input type=\"hidden\" name=\"").Append(E(tokens.FormFieldName)).Append("\" value=\"").Append(E(tokens.RequestToken)).Append("\">")
                    .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(E(here)).Append("\">")
                    .Append("<button type=\"submit\">Disconnect</button></form></td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return html.Append("</main></body></html>").ToString();
    }
}

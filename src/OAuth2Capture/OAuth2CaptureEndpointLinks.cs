using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace OAuth2Capture;

/// <summary>
/// Builds the URLs of the library's endpoints with <see cref="LinkGenerator"/>, by endpoint name, so the app's routing
/// (its route options such as lowercase URLs, where <c>MapOAuth2Capture()</c> put the group) decides them.
/// </summary>
/// <remarks>
/// The fallback serves hosts where the endpoints are not mapped: a worker that only refreshes and notifies (its
/// notifications still carry a reconnect path for the web app that does map them), or an app with no routing at all.
/// It writes the same shape the endpoints are mapped with by default.
/// </remarks>
internal sealed class OAuth2CaptureEndpointLinks(IOptionsMonitor<OAuth2CaptureOptions> options, LinkGenerator? links = null)
{
    /// <summary>Gets <c>{pathBase}{PathPrefix}/{provider}/connect?returnUrl=…&amp;pendingAction=…&amp;scopes=…</c> (null values left out; the last two sealed by their protectors).</summary>
    public string Connect(PathString pathBase, string provider, string? returnUrl = null, string? pendingAction = null, string? scopes = null)
    {
        var name = provider.ToLowerInvariant();
        return links?.GetPathByName(OAuth2CaptureRoutes.ConnectName, new RouteValueDictionary
            {
                ["provider"] = name,
                ["returnUrl"] = returnUrl,
                ["pendingAction"] = pendingAction,
                ["scopes"] = scopes,
            }, pathBase)
            ?? WithQuery($"{pathBase}{Prefix}/{Uri.EscapeDataString(name)}/connect", ("returnUrl", returnUrl), ("pendingAction", pendingAction), ("scopes", scopes));
    }

    /// <summary>Gets <c>{pathBase}{PathPrefix}/</c>, the list of the user's connections.</summary>
    public string List(PathString pathBase)
        => links?.GetPathByName(OAuth2CaptureRoutes.ListName, values: null, pathBase, options: ListLinkOptions) ?? $"{pathBase}{Prefix}/";

    /// <summary>Gets <c>{pathBase}{PathPrefix}/{id}/revoke</c>.</summary>
    public string Revoke(PathString pathBase, Guid connectionId)
        => links?.GetPathByName(OAuth2CaptureRoutes.RevokeName, new RouteValueDictionary { ["id"] = connectionId }, pathBase)
            ?? $"{pathBase}{Prefix}/{connectionId}/revoke";

    // The list has always been linked as "{prefix}/" (the group's root); the generator would drop the final slash.
    private static readonly LinkOptions ListLinkOptions = new() { AppendTrailingSlash = true };

    private string Prefix => options.CurrentValue.PathPrefix.TrimEnd('/');

    private static string WithQuery(string path, params (string Key, string? Value)[] query)
    {
        var url = path;
        var separator = '?';
        foreach (var (key, value) in query)
        {
            if (!string.IsNullOrEmpty(value))
            {
                url = $"{url}{separator}{key}={Uri.EscapeDataString(value)}";
                separator = '&';
            }
        }

        return url;
    }
}

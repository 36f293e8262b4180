using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace OAuth2Capture.Http;

/// <summary>
/// Renders the standard "reconnect" banner: <c>&lt;oauth2capture-reauth-banner /&gt;</c> in a layout (after
/// <c>@addTagHelper *, OAuth2Capture</c> in <c>_ViewImports.cshtml</c>).
/// </summary>
/// <remarks>
/// <para>
/// Output, all text HTML-encoded: the message <c>[RequireOAuthToken]</c> left in TempData
/// (<see cref="OAuth2CaptureDefaults.TempDataMessageKey"/>) in a <c>&lt;div class="oauth2capture-message" role="status"&gt;</c>,
/// unless the provider it was about is working again or a banner below already says it; then one
/// <c>&lt;div class="oauth2capture-reauth-banner" role="alert" data-provider="…"&gt;</c> per provider connection that needs
/// re-authorization, holding the friendly message and a <c>Reconnect …</c> link whose <c>returnUrl</c> is the current page;
/// a connection this instance cannot use (<see cref="OAuthConnectionState.Unavailable"/>) gets its message in a
/// <c>&lt;div class="oauth2capture-message oauth2capture-unavailable" role="status"&gt;</c>, without a link; while the
/// store cannot be read (<see cref="OAuthConnectionState.Unknown"/>), one such <c>div</c> says so, once for all providers.
/// Nothing at all when there is nothing to say.
/// </para>
/// <para>
/// The connection states come from <see cref="IOAuthStatusFeature"/> (<c>app.UseOAuth2Capture()</c>): one store query,
/// no provider calls. Without the middleware, only the TempData message is shown.
/// </para>
/// </remarks>
[HtmlTargetElement(TagName, TagStructure = TagStructure.WithoutEndTag)]
public sealed class ReauthBannerTagHelper : TagHelper
{
    /// <summary>The element name: <c>oauth2capture-reauth-banner</c>.</summary>
    public const string TagName = "oauth2capture-reauth-banner";

    /// <summary>Gets or sets the view context (set by Razor).</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    /// <inheritdoc/>
    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        output.TagName = null;
        var http = ViewContext.HttpContext;
        var feature = http.GetOAuthStatus();
        var statuses = feature is null ? [] : await feature.GetProvidersAsync(http.RequestAborted).ConfigureAwait(false);

        var tempData = ViewContext.TempData;
        var message = tempData?[OAuth2CaptureDefaults.TempDataMessageKey] as string ?? feature?.ReauthMessage;
        var aboutProvider = tempData?[OAuth2CaptureDefaults.TempDataProviderKey] as string;
        var html = Render(statuses, message, aboutProvider);
        if (html.Length == 0)
        {
            output.SuppressOutput();
            return;
        }

        output.Content.SetHtmlContent(html);
    }

    /// <summary>Builds the banner's HTML (empty when there is nothing to say).</summary>
    internal static string Render(IReadOnlyList<OAuthProviderStatus> statuses, string? message, string? aboutProvider)
    {
        var encoder = HtmlEncoder.Default;
        var needing = statuses.Where(status => status.NeedsReauth).ToList();
        var about = aboutProvider is null ? null : statuses.FirstOrDefault(status => string.Equals(status.Provider, aboutProvider, StringComparison.OrdinalIgnoreCase));
        var stale = about is { State: OAuthConnectionState.Active };
        var html = new StringBuilder();
        if (!string.IsNullOrEmpty(message) && !stale && !needing.Any(status => status.Message == message))
        {
            html.Append("<div class=\"oauth2capture-message\" role=\"status\">").Append(encoder.Encode(message)).Append("</div>");
        }

        foreach (var status in statuses.Where(status => status.State == OAuthConnectionState.Unavailable && status.Message != message))
        {
            // Not the user's to fix, so no reconnect link: say it is known, as for any problem on the app's side.
            html.Append("<div class=\"oauth2capture-message oauth2capture-unavailable\" role=\"status\" data-provider=\"").Append(encoder.Encode(status.Provider)).Append("\">")
                .Append(encoder.Encode(status.Message ?? string.Empty)).Append("</div>");
        }

        if (statuses.FirstOrDefault(status => status.State == OAuthConnectionState.Unknown) is { } unknown)
        {
            html.Append("<div class=\"oauth2capture-message oauth2capture-unavailable\" role=\"status\">").Append(encoder.Encode(unknown.Message ?? string.Empty)).Append("</div>");
        }

        foreach (var status in needing)
        {
            html.Append("<div class=\"oauth2capture-reauth-banner\" role=\"alert\" data-provider=\"").Append(encoder.Encode(status.Provider)).Append("\">")
                .Append("<span class=\"oauth2capture-reauth-message\">").Append(encoder.Encode(status.Message ?? string.Empty)).Append("</span> ")
                .Append("<a class=\"oauth2capture-reconnect\" href=\"").Append(encoder.Encode(status.ReconnectUrl)).Append("\">Reconnect ")
                .Append(encoder.Encode(status.DisplayName)).Append("</a></div>");
        }

        return html.ToString();
    }
}

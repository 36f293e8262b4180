using Microsoft.AspNetCore.Components.Rendering;

namespace OAuth2Capture.Components;

/// <summary>The default markup of the components' prompts, the same classes the tag helper writes.</summary>
internal static class OAuthMarkup
{
    /// <summary>
    /// <c>&lt;div class="…" role="alert" data-provider="…"&gt;&lt;p&gt;message&lt;/p&gt;&lt;a href="…" target="_top"&gt;Reconnect X&lt;/a&gt;&lt;/div&gt;</c>.
    /// The link has a target so that Blazor's router leaves it alone: the connect flow needs a full page load. Callers
    /// open a region around it.
    /// </summary>
    public static void Prompt(RenderTreeBuilder builder, OAuthTokenPrompt prompt, string cssClass = "oauth2capture-prompt")
    {
        builder.OpenElement(0, "div");
        builder.SetKey(prompt.Provider);
        builder.AddAttribute(1, "class", prompt.ConnectUrl is null ? "oauth2capture-message oauth2capture-unavailable" : cssClass);
        builder.AddAttribute(2, "role", prompt.ConnectUrl is null ? "status" : "alert");
        builder.AddAttribute(3, "data-provider", prompt.Provider);
        builder.OpenElement(4, "p");
        builder.AddContent(5, prompt.Message);
        builder.CloseElement();
        if (prompt.ConnectUrl is { } url)
        {
            builder.OpenElement(6, "a");
            builder.AddAttribute(7, "href", url);
            builder.AddAttribute(8, "target", "_top");
            builder.AddContent(9, $"{(prompt.Status == TokenStatus.NotConnected ? "Connect" : "Reconnect")} {prompt.DisplayName}");
            builder.CloseElement();
        }

        builder.CloseElement();
    }
}

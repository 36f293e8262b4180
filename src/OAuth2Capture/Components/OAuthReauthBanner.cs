using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using OAuth2Capture.Http;

namespace OAuth2Capture.Components;

/// <summary>
/// The Blazor twin of the <c>&lt;oauth2capture-reauth-banner /&gt;</c> tag helper: one
/// <c>&lt;div class="oauth2capture-reauth-banner" role="alert" data-provider="…"&gt;</c> per connection of the signed-in
/// user that needs re-auth, with its message and a Reconnect link back to the current page; nothing when all is well.
/// </summary>
public sealed class OAuthReauthBanner : ComponentBase
{
    private IReadOnlyList<OAuthProviderStatus> _needing = [];

    [Inject]
    private OAuthCircuitConnections Connections { get; set; } = null!;

    /// <inheritdoc/>
    protected override async Task OnInitializedAsync()
        => _needing = [.. (await Connections.GetProvidersAsync().ConfigureAwait(true)).Where(status => status.NeedsReauth)];

    /// <inheritdoc/>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in _needing)
        {
            builder.OpenRegion(0);
            OAuthMarkup.Prompt(builder, new OAuthTokenPrompt(status.Provider, status.DisplayName, TokenStatus.ReauthRequired, status.Reason,
                status.Message ?? string.Empty, status.ReconnectUrl), "oauth2capture-reauth-banner");
            builder.CloseRegion();
        }
    }
}

using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Components;

/// <summary>
/// Renders its content only with a usable token of <see cref="Provider"/> for the signed-in user, in any render mode
/// (<c>&lt;RequireOAuthToken Provider="github"&gt;…&lt;/RequireOAuthToken&gt;</c>); otherwise a prompt: connect, reconnect
/// (both a full page load through the connect flow, back to this page), or "try again later" with no link when
/// reconnecting cannot help. Each prompt can be replaced by a slot.
/// </summary>
public sealed class RequireOAuthToken : ComponentBase
{
    private TokenResult? _token;
    private OAuthTokenPrompt? _prompt;

    /// <summary>Gets or sets the provider name, for example <c>github</c>.</summary>
    [Parameter, EditorRequired]
    public string Provider { get; set; } = string.Empty;

    /// <summary>Gets or sets what renders with a usable token (the <see cref="TokenResult"/> is the context).</summary>
    [Parameter]
    public RenderFragment<TokenResult>? ChildContent { get; set; }

    /// <summary>Gets or sets what renders when the user never connected the provider. Default: the message and a "Connect" link.</summary>
    [Parameter]
    public RenderFragment<OAuthTokenPrompt>? NotConnected { get; set; }

    /// <summary>Gets or sets what renders when only the user can fix the connection. Default: the message and a "Reconnect" link.</summary>
    [Parameter]
    public RenderFragment<OAuthTokenPrompt>? Reconnect { get; set; }

    /// <summary>Gets or sets what renders when the provider or the store is unavailable, or the app's configuration is rejected. Default: the message.</summary>
    [Parameter]
    public RenderFragment<OAuthTokenPrompt>? Unavailable { get; set; }

    /// <summary>Gets or sets what renders while the token is looked up. Default: nothing.</summary>
    [Parameter]
    public RenderFragment? Loading { get; set; }

    [Inject]
    private OAuthCircuitConnections Connections { get; set; } = null!;

    /// <inheritdoc/>
    protected override async Task OnParametersSetAsync()
    {
        ArgumentException.ThrowIfNullOrEmpty(Provider);
        _token = null;
        _prompt = null;
        var token = await Connections.GetTokenAsync(Provider).ConfigureAwait(true);
        _prompt = token.Succeeded ? null : await Connections.PromptForAsync(token).ConfigureAwait(true);
        _token = token;
    }

    /// <inheritdoc/>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (_token is null)
        {
            builder.AddContent(0, Loading);
            return;
        }

        if (_token.Succeeded)
        {
            builder.AddContent(1, ChildContent?.Invoke(_token));
            return;
        }

        var slot = _token.Status == TokenStatus.NotConnected ? NotConnected : _prompt!.ConnectUrl is not null ? Reconnect : Unavailable;
        if (slot is not null)
        {
            builder.AddContent(2, slot(_prompt!));
            return;
        }

        builder.OpenRegion(3);
        OAuthMarkup.Prompt(builder, _prompt!);
        builder.CloseRegion();
    }
}

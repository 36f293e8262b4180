using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Components;

/// <summary>
/// An <see cref="ErrorBoundary"/> that answers an <see cref="OAuthTokenException"/> thrown by its content (a handler calling
/// the provider's API through <c>AddOAuth2CaptureToken</c>, a lifecycle method) with the same prompt as
/// <see cref="RequireOAuthToken"/>: reconnect back to this page, or "try again later" without a link. Any other exception
/// gets the framework's error content, as an <see cref="ErrorBoundary"/> would.
/// </summary>
public sealed partial class OAuthTokenErrorBoundary : ErrorBoundaryBase
{
    [Inject]
    private OAuthCircuitConnections Connections { get; set; } = null!;

    [Inject]
    private ILogger<OAuthTokenErrorBoundary> Logger { get; set; } = null!;

    private OAuthTokenPrompt? _prompt;

    /// <inheritdoc/>
    protected override async Task OnErrorAsync(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is OAuthTokenException token)
        {
            Log.Answered(Logger, token.Result.Provider, token.Result.Status, token.Result.Reason);
            _prompt = await Connections.PromptForAsync(token.Result).ConfigureAwait(true);
            StateHasChanged();
        }
        else
        {
            Log.Other(Logger, exception);
        }
    }

    /// <inheritdoc/>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (CurrentException)
        {
            case null:
                builder.AddContent(0, ChildContent);
                break;
            case OAuthTokenException when _prompt is { } prompt:
                builder.OpenRegion(1);
                OAuthMarkup.Prompt(builder, prompt);
                builder.CloseRegion();
                break;
            case OAuthTokenException:
                break; // the prompt is being prepared (OnErrorAsync)
            case { } other when ErrorContent is not null:
                builder.AddContent(2, ErrorContent(other));
                break;
            default:
                builder.OpenElement(3, "div");
                builder.AddAttribute(4, "class", "blazor-error-boundary");
                builder.CloseElement();
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1104, EventName = "TokenExceptionShownInComponent", Level = LogLevel.Information,
            Message = "An OAuthTokenException ({Status}, reason {Reason}) for {Provider} reached an OAuthTokenErrorBoundary; it shows the reconnect prompt.")]
        public static partial void Answered(ILogger logger, string provider, TokenStatus status, ReauthReason reason);

        [LoggerMessage(EventId = 1105, EventName = "ComponentErrorCaught", Level = LogLevel.Error,
            Message = "An OAuthTokenErrorBoundary caught an exception that is not about a token; it shows the error content.")]
        public static partial void Other(ILogger logger, Exception exception);
    }
}

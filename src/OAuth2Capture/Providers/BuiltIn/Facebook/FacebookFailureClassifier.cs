using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// Meta's token-endpoint answers in the terms of <see cref="FacebookGraphErrors"/>. The shared
/// reader reports a Graph error object's <c>type</c> as <see cref="TokenEndpointResponse.Error"/> and its <c>code</c> and
/// <c>error_subcode</c> as <see cref="TokenEndpointResponse.ErrorSubcode"/> (<c>190/463</c>, or <c>4</c> without a subcode).
/// </summary>
internal sealed class FacebookFailureClassifier : ProviderFailureClassifier
{
    private FacebookFailureClassifier()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static FacebookFailureClassifier Instance { get; } = new();

    /// <inheritdoc/>
    protected override (TokenStatus Status, ReauthReason Reason)? ClassifyOwn(TokenEndpointResponse failure, TokenFailureContext context)
    {
        var parts = (failure.ErrorSubcode ?? string.Empty).Split('/');
        var subcode = parts.Length > 1 ? parts[1] : null;

        int? code = int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;

        // Throttling and Graph's own trouble pass, whatever the error type and although Meta answers them with HTTP 400
        // or 403 rather than 429 or 5xx.
        if (code is { } known && FacebookGraphErrors.IsTransient(known))
        {
            return (TokenStatus.TemporarilyUnavailable, ReauthReason.None);
        }

        if (!string.Equals(failure.Error, "OAuthException", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return code switch
        {
            FacebookGraphErrors.InvalidToken => (TokenStatus.ReauthRequired, FacebookGraphErrors.DeadTokenReason(subcode)),
            { } given when FacebookGraphErrors.IsMissingPermission(given) => (TokenStatus.ReauthRequired, ReauthReason.InsufficientScope),
            _ => (TokenStatus.ConfigurationError, ReauthReason.None),
        };
    }
}

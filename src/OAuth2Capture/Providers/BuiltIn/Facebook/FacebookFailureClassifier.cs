using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// What Meta's Graph API error codes mean, checked 2026-11 against
/// <see href="https://developers.facebook.com/docs/graph-api/guides/error-handling">Meta: Graph API errors</see>. The shared
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
        var code = parts[0];
        var subcode = parts.Length > 1 ? parts[1] : null;

        // Throttling (4 app, 17 user, 32 page, 613 custom limit) and Graph's own trouble (1 unknown, 2 service) pass, whatever
        // the error type and although Meta answers them with HTTP 400 or 403 rather than 429 or 5xx.
        if (code is "1" or "2" or "4" or "17" or "32" or "613")
        {
            return (TokenStatus.TemporarilyUnavailable, ReauthReason.None);
        }

        if (!string.Equals(failure.Error, "OAuthException", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return (code, subcode) switch
        {
            ("190", "463" or "467") => (TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired),
            ("190", "458" or "460") => (TokenStatus.ReauthRequired, ReauthReason.Revoked),
            ("190", _) => (TokenStatus.ReauthRequired, ReauthReason.ProviderRejected),
            ("10" or "200", _) => (TokenStatus.ReauthRequired, ReauthReason.InsufficientScope),
            _ => (TokenStatus.ConfigurationError, ReauthReason.None),
        };
    }
}

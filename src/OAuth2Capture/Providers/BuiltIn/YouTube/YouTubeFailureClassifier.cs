using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// Google's one token-endpoint code of its own: <c>invalid_grant</c> with <c>error_subtype: invalid_rapt</c> means the
/// session-control policy of the user's organisation ended the session, and the user must sign in again
/// (<see href="https://developers.google.com/identity/protocols/oauth2">Google: OAuth 2.0 overview</see>, "Refresh token
/// expiration", checked 2026-12). Nobody revoked anything, so it reads as an expiry, not as <see cref="ReauthReason.Revoked"/>
/// (what a bare <c>invalid_grant</c> within the token's life would read as). Every other answer gets the RFC 6749 rules.
/// </summary>
internal sealed class YouTubeFailureClassifier : ProviderFailureClassifier
{
    private YouTubeFailureClassifier()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static YouTubeFailureClassifier Instance { get; } = new();

    /// <inheritdoc/>
    protected override (TokenStatus Status, ReauthReason Reason)? ClassifyOwn(TokenEndpointResponse failure, TokenFailureContext context)
        => string.Equals(failure.Error, "invalid_grant", StringComparison.OrdinalIgnoreCase)
            && string.Equals(failure.ErrorSubcode, "invalid_rapt", StringComparison.OrdinalIgnoreCase)
            && !context.EarlierRefreshInterrupted
                ? (TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired)
                : null;
}

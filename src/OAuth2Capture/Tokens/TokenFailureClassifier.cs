using System.Net;
using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Maps a failed token-endpoint answer to a <see cref="TokenStatus"/> and, for re-authorization, a <see cref="ReauthReason"/>.
/// The one place that decides whether a failure is the user's to fix (reconnect), the operator's (configuration) or
/// nobody's (wait and retry). See docs/reauth-flows.md, "Detection".
/// </summary>
internal static class TokenFailureClassifier
{
    public static (TokenStatus Status, ReauthReason Reason) Classify(TokenEndpointResponse failure, DateTimeOffset now, DateTimeOffset? refreshTokenExpiresAt)
    {
        ArgumentNullException.ThrowIfNull(failure);
        switch (failure.FailureKind)
        {
            case TokenEndpointFailureKind.RateLimited:
            case TokenEndpointFailureKind.ServerError:
            case TokenEndpointFailureKind.Timeout:
            case TokenEndpointFailureKind.NetworkError:
            case TokenEndpointFailureKind.CircuitOpen:
                return (TokenStatus.TemporarilyUnavailable, ReauthReason.None);
            case TokenEndpointFailureKind.MalformedResponse:
                // An HTML page where a token response belongs, with a non-5xx status, is a wrong endpoint or a login
                // wall: the operator's to fix. A truncated or odd body is treated as transient.
                return failure.Error == "unexpected_html"
                    ? (TokenStatus.ConfigurationError, ReauthReason.None)
                    : (TokenStatus.TemporarilyUnavailable, ReauthReason.None);
        }

        var error = failure.Error?.ToLowerInvariant();
        switch (error)
        {
            case "invalid_grant":
            case "bad_refresh_token": // GitHub Apps
            case "invalid_token":
                return (TokenStatus.ReauthRequired, DeadGrantReason(failure, now, refreshTokenExpiresAt));
            case "invalid_scope":
            case "insufficient_scope":
                return (TokenStatus.ReauthRequired, ReauthReason.InsufficientScope);
            case "access_denied":
                return (TokenStatus.ReauthRequired, ReauthReason.Revoked);
            case "no_refresh_token":
                return (TokenStatus.ReauthRequired, ReauthReason.NoRefreshToken);
            case "invalid_client":
            case "unauthorized_client":
            case "unsupported_grant_type":
            case "incorrect_client_credentials": // GitHub
            case "redirect_uri_mismatch":
                return (TokenStatus.ConfigurationError, ReauthReason.None);
            case "invalid_request":
                // X answers invalid_request "Value passed for the token was invalid." for a dead refresh token
                // (community reports); any other malformed request is ours to fix.
                return Mentions(failure.ErrorDescription, "token")
                    ? (TokenStatus.ReauthRequired, DeadGrantReason(failure, now, refreshTokenExpiresAt))
                    : (TokenStatus.ConfigurationError, ReauthReason.None);
            case "server_error":
            case "temporarily_unavailable":
                return (TokenStatus.TemporarilyUnavailable, ReauthReason.None);
            case "oauthexception":
                return ClassifyFacebook(failure);
        }

        return failure.HttpStatus switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
                => (TokenStatus.ConfigurationError, ReauthReason.None),
            { } status when (int)status >= 500 || status == HttpStatusCode.TooManyRequests
                => (TokenStatus.TemporarilyUnavailable, ReauthReason.None),
            _ when error is null => (TokenStatus.ConfigurationError, ReauthReason.None),
            _ => (TokenStatus.ReauthRequired, ReauthReason.ProviderRejected),
        };
    }

    /// <summary>
    /// <c>invalid_grant</c> means the grant is dead but not always why. Order of evidence: what the provider says
    /// (expiry only, inactivity), then the refresh token's known expiry; a provider that says "expired or revoked"
    /// (Google) cannot be told apart (<see cref="ReauthReason.ProviderRejected"/>); otherwise the grant was within its
    /// known lifetime and is no longer honoured, which is a revocation.
    /// </summary>
    private static ReauthReason DeadGrantReason(TokenEndpointResponse failure, DateTimeOffset now, DateTimeOffset? refreshTokenExpiresAt)
    {
        var text = failure.ErrorDescription;
        var saysExpired = Mentions(text, "expired") || Mentions(text, "expiry");
        var saysRevoked = Mentions(text, "revoked");
        if (Mentions(text, "inactiv") || Mentions(text, "unused"))
        {
            return ReauthReason.Inactivity;
        }

        if (saysExpired && !saysRevoked)
        {
            return ReauthReason.RefreshTokenExpired;
        }

        if (refreshTokenExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return ReauthReason.RefreshTokenExpired;
        }

        return saysExpired ? ReauthReason.ProviderRejected : ReauthReason.Revoked;
    }

    /// <summary>Facebook Graph <c>OAuthException</c>, sub-code as <c>code/error_subcode</c> (developers.facebook.com/docs/graph-api/guides/error-handling).</summary>
    private static (TokenStatus, ReauthReason) ClassifyFacebook(TokenEndpointResponse failure)
    {
        var parts = (failure.ErrorSubcode ?? string.Empty).Split('/');
        var code = parts[0];
        var subcode = parts.Length > 1 ? parts[1] : null;
        return (code, subcode) switch
        {
            ("190", "463" or "467") => (TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired),
            ("190", "458" or "460") => (TokenStatus.ReauthRequired, ReauthReason.Revoked),
            ("190", _) => (TokenStatus.ReauthRequired, ReauthReason.ProviderRejected),
            ("10" or "200", _) => (TokenStatus.ReauthRequired, ReauthReason.InsufficientScope),
            _ => (TokenStatus.ConfigurationError, ReauthReason.None),
        };
    }

    private static bool Mentions(string? text, string word)
        => text is not null && text.Contains(word, StringComparison.OrdinalIgnoreCase);
}

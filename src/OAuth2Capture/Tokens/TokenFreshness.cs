using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>When a stored access token is due for renewal.</summary>
internal static class TokenFreshness
{
    /// <summary>Due when its known expiry falls within the skew; a token without a known expiry (GitHub OAuth apps) never is.</summary>
    public static bool NeedsRefresh(OAuthToken token, DateTimeOffset now, TimeSpan skew)
        => token.AccessTokenExpiresAt is { } expiresAt && expiresAt - skew <= now;

    /// <summary>Expired outright: unusable even as a fallback.</summary>
    public static bool IsExpired(OAuthToken token, DateTimeOffset now)
        => token.AccessTokenExpiresAt is { } expiresAt && expiresAt <= now;
}

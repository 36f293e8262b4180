using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// What a stored connection's row means, decided from the row and its provider's refresh strategy alone, with no I/O:
/// whether it can renew itself, when its grant ends, whether the user must reconnect, whether that is soon, and
/// whether its access token is due for renewal. Every layer that answers one of these questions (the token service and
/// refresher, the status feature and banner, the list endpoint, the background sweep and its notices) asks here, so
/// they cannot disagree.
/// </summary>
internal static class ConnectionRules
{
    /// <summary>
    /// The strategy that judges a row: its provider's, or, for a provider no longer configured, none at all (nothing can
    /// renew it, so its grant ends with its access token).
    /// </summary>
    public static IRefreshStrategy StrategyFor(IOAuthProviderCatalog catalog, string provider)
        => catalog.TryGet(provider, out var configured) ? configured.Descriptor.RefreshStrategy : NoRefreshStrategy.Instance;

    /// <summary>
    /// Whether the connection can get a new access token without the user: the provider renews at all, and, when it
    /// renews with a refresh token, one is stored.
    /// </summary>
    public static bool CanRenew(OAuthToken row, IRefreshStrategy strategy)
        => strategy.CanRefresh && (!strategy.RequiresRefreshToken || row.EncryptedRefreshToken is not null);

    /// <summary>
    /// When the grant ends unless the user reconnects: the refresh token's expiry when renewal uses it; otherwise the
    /// access token's, whether nothing renews it or renewal exchanges the access token itself (Facebook), which an expired
    /// one cannot be. <see langword="null"/> when no end is known (Google's refresh tokens, GitHub OAuth-app tokens).
    /// </summary>
    public static DateTimeOffset? GrantEndsAt(OAuthToken row, IRefreshStrategy strategy)
        => CanRenew(row, strategy) && strategy.RequiresRefreshToken ? row.RefreshTokenExpiresAt : row.AccessTokenExpiresAt;

    /// <summary>Whether the grant's known end has passed.</summary>
    public static bool HasEnded(OAuthToken row, IRefreshStrategy strategy, DateTimeOffset now)
        => GrantEndsAt(row, strategy) <= now;

    /// <summary>Why the user must reconnect once the grant has ended.</summary>
    public static ReauthReason EndReason(OAuthToken row, IRefreshStrategy strategy)
        => CanRenew(row, strategy) ? ReauthReason.RefreshTokenExpired : ReauthReason.NoRefreshToken;

    /// <summary>
    /// Why the user must reconnect, from the row alone: the recorded reason of a connection marked for re-auth, the end
    /// reason of a grant that has ended, or <see cref="ReauthReason.None"/> while the grant lasts. (The access token of
    /// an ended grant may still work for a while; <see cref="IsUsableAsIs"/> answers that question.)
    /// </summary>
    public static ReauthReason ReauthReasonAt(OAuthToken row, IRefreshStrategy strategy, DateTimeOffset now)
        => row.Status == ConnectionHealth.ReauthRequired ? RecordedReason(row)
            : HasEnded(row, strategy, now) ? EndReason(row, strategy)
            : ReauthReason.None;

    /// <summary>Whether a grant that still lasts ends within <paramref name="window"/>: time to warn the user.</summary>
    public static bool ExpiresSoon(OAuthToken row, IRefreshStrategy strategy, DateTimeOffset now, TimeSpan window)
        => ReauthReasonAt(row, strategy, now) == ReauthReason.None && GrantEndsAt(row, strategy) < now + window;

    /// <summary>The reason recorded on a connection marked for re-auth (see <see cref="ReauthReasonOrRejected"/>).</summary>
    public static ReauthReason RecordedReason(OAuthToken row) => ReauthReasonOrRejected(row.ReauthReason);

    /// <summary>
    /// A re-auth verdict always names a reason: one given without any (a row marked by hand, a custom store) reads as
    /// <see cref="ReauthReason.ProviderRejected"/>, the provider's plain refusal.
    /// </summary>
    public static ReauthReason ReauthReasonOrRejected(ReauthReason reason)
        => reason == ReauthReason.None ? ReauthReason.ProviderRejected : reason;

    /// <summary>Whether the access token's known expiry falls within <paramref name="skew"/>; one without a known expiry never is.</summary>
    public static bool IsRefreshDue(OAuthToken row, DateTimeOffset now, TimeSpan skew)
        => row.AccessTokenExpiresAt is { } expiresAt && expiresAt - skew <= now;

    /// <summary>Whether the access token has expired outright: unusable even as a fallback.</summary>
    public static bool IsExpired(OAuthToken row, DateTimeOffset now)
        => row.AccessTokenExpiresAt <= now;

    /// <summary>
    /// Whether the stored access token can be handed out without asking the provider: the connection is active and its
    /// token is due neither for a user request (<paramref name="skew"/>) nor for the background refresher (<paramref name="ahead"/>).
    /// </summary>
    public static bool IsUsableAsIs(OAuthToken row, DateTimeOffset now, TimeSpan skew, RefreshAhead? ahead)
        => row.Status == ConnectionHealth.Active && !IsRefreshDue(row, now, skew) && ahead?.IsDue(row, now) != true;
}

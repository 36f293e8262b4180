namespace OAuth2Capture;

/// <summary>
/// Why a connection needs the user to re-authorize (<see cref="TokenStatus.ReauthRequired"/>). It lives at the root
/// of the library because every layer speaks it: the stored row records it, the token services decide it, the HTTP
/// surface and the notifications report it.
/// </summary>
public enum ReauthReason
{
    /// <summary>No reason: the connection does not need re-authorization.</summary>
    None = 0,

    /// <summary>The refresh token reached the end of its life (known expiry passed, or the provider said it expired).</summary>
    RefreshTokenExpired,

    /// <summary>The user or the provider revoked the grant (for example from the provider's "connected apps" settings).</summary>
    Revoked,

    /// <summary>The stored grant lacks scopes the app now needs; the user must consent to more.</summary>
    InsufficientScope,

    /// <summary>The access token expired and the provider issues no refresh token (GitHub OAuth apps, Facebook).</summary>
    NoRefreshToken,

    /// <summary>The provider dropped the grant after a period of inactivity.</summary>
    Inactivity,

    /// <summary>The provider rejected the grant without saying precisely why.</summary>
    ProviderRejected,

    /// <summary>The connection kept dying right after each reconnect; the re-auth loop guard stopped redirecting.</summary>
    ReauthLoopDetected,

    /// <summary>
    /// The provider rejected the stored refresh token (<c>invalid_grant</c>) after an earlier refresh of this connection was
    /// interrupted once it may have reached the provider (the instance crashed or stopped, or the database write failed): the
    /// provider had most likely rotated the refresh token, and the new one was never stored. Only the user can reconnect.
    /// </summary>
    RotatedRefreshTokenLost,

    /// <summary>
    /// The stored tokens can no longer be decrypted (the Data Protection keys that protected them are gone), and the
    /// operator declared them lost (<c>OAuth2Capture:Store:UnreadableSecrets</c> = <c>RequireReauth</c>). Only the user can
    /// reconnect.
    /// </summary>
    SecretsUnreadable,

    /// <summary>
    /// The provider holds the grant back until the user deals with something on their account at the provider's own site
    /// (Facebook: a security checkpoint, or an account not yet confirmed). Reconnecting takes them there.
    /// </summary>
    AccountNeedsAttention,
}

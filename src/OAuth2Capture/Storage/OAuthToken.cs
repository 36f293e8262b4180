using OAuth2Capture.Tokens;

namespace OAuth2Capture.Storage;

/// <summary>
/// One connection: a provider account connected by one of the app's users, with its tokens.
/// Token values are stored encrypted (ASP.NET Core Data Protection); read them through <see cref="ITokenValidityService"/>.
/// </summary>
public sealed class OAuthToken
{
    /// <summary>Gets or sets the connection id.</summary>
    public Guid Id { get; set; }

    /// <summary>Gets or sets the app's user id that owns this connection.</summary>
    public string OwnerId { get; set; } = string.Empty;

    /// <summary>Gets or sets the provider name (for example <c>github</c>).</summary>
    public string Provider { get; set; } = string.Empty;

    /// <summary>Gets or sets the account id at the provider.</summary>
    public string ProviderUserId { get; set; } = string.Empty;

    /// <summary>Gets or sets the account's display name at the provider, when known.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Gets or sets the encrypted access token.</summary>
    public string EncryptedAccessToken { get; set; } = string.Empty;

    /// <summary>Gets or sets the encrypted refresh token, or <see langword="null"/> when the provider issued none.</summary>
    public string? EncryptedRefreshToken { get; set; }

    /// <summary>Gets or sets when the access token expires, when the provider said so.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; set; }

    /// <summary>Gets or sets when the refresh token expires, when the provider said so.</summary>
    public DateTimeOffset? RefreshTokenExpiresAt { get; set; }

    /// <summary>Gets or sets the token type, usually <c>Bearer</c>.</summary>
    public string? TokenType { get; set; }

    /// <summary>Gets or sets the granted scopes, space separated.</summary>
    public string? Scope { get; set; }

    /// <summary>Gets or sets the provider's user-info answer (JSON), when fetched.</summary>
    public string? ProfileJson { get; set; }

    /// <summary>Gets or sets when the connection was first made.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Gets or sets when the row last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Gets or sets when the tokens were last refreshed.</summary>
    public DateTimeOffset? LastRefreshedAt { get; set; }

    /// <summary>Gets or sets when the user last (re)authorized this connection.</summary>
    public DateTimeOffset AuthorizedAt { get; set; }

    /// <summary>Gets or sets the connection's health.</summary>
    public ConnectionHealth Status { get; set; }

    /// <summary>Gets or sets why re-authorization is required; <see cref="ReauthReason.None"/> when <see cref="Status"/> is active.</summary>
    public ReauthReason ReauthReason { get; set; }

    /// <summary>Gets or sets the last failure, safe to show an operator (never a token value).</summary>
    public string? LastError { get; set; }

    /// <summary>Gets or sets when the last failure happened.</summary>
    public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>
    /// Gets or sets how many refreshes in a row have failed transiently or by configuration (the provider was down, rate
    /// limited, or rejected the app's credentials) since the last success. Written in the same update as
    /// <see cref="LastErrorAt"/>; any success (a refresh stored, a connect or reconnect) sets it back to 0. The background
    /// refresher's cool-down doubles with each failure, so every instance and every restart sees the same back-off.
    /// </summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>
    /// Gets or sets when the current run of failures (<see cref="ConsecutiveFailures"/>) began, or <see langword="null"/>
    /// when the last refresh succeeded. The background refresher gives up on a connection once
    /// <see cref="LastErrorAt"/> minus this reaches <c>OAuth2Capture:BackgroundRefresh:GiveUpAfter</c>.
    /// </summary>
    public DateTimeOffset? FailingSince { get; set; }

    /// <summary>
    /// Gets or sets the grant end (the refresh token's fixed expiry, or the access token's when it cannot be renewed) the
    /// background refresher has already announced as <see cref="Reauth.ReauthNotificationKind.ExpiringWithoutRefresh"/>, or
    /// <see langword="null"/> when none was. Claimed by one conditional update
    /// (<see cref="ITokenStore.TryMarkExpiryNoticeAsync"/>), so each grant end is announced once across instances and restarts;
    /// a reconnect that brings a new grant end is announced again.
    /// </summary>
    public DateTimeOffset? ExpiryNoticeSentFor { get; set; }

    /// <summary>
    /// Gets or sets who holds the refresh lease: the app instance (and flight) that claimed the right to call the token
    /// endpoint for this connection, or <see langword="null"/> when nobody does. Set together with
    /// <see cref="RefreshLeaseExpiresAt"/> by <see cref="ITokenStore.TryClaimRefreshAsync"/>; an owner left behind with an
    /// expired lease means an earlier refresh was interrupted after it may have reached the provider.
    /// </summary>
    public string? RefreshLeaseOwner { get; set; }

    /// <summary>
    /// Gets or sets when the refresh lease ends; after that, another instance may claim the connection even if the holder never
    /// released it (it crashed or was stopped). <see langword="null"/> when no lease was taken.
    /// </summary>
    public DateTimeOffset? RefreshLeaseExpiresAt { get; set; }

    /// <summary>Gets or sets the optimistic concurrency token, renewed on every update.</summary>
    public string ConcurrencyToken { get; set; } = Guid.NewGuid().ToString("N");
}

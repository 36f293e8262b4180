using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// One configured provider as seen by the signed-in user: connected or not, healthy or needing them, with the link that
/// fixes it. Built from the store alone by <see cref="IOAuthStatusFeature"/>. When the user connected several accounts of
/// a provider, this describes the most recently updated one (the one <c>[RequireOAuthToken]</c> uses).
/// </summary>
public sealed record OAuthProviderStatus
{
    /// <summary>Gets the provider name (for example <c>github</c>).</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the provider's name as shown to users (for example <c>GitHub</c>).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Gets the connection's state.</summary>
    public required OAuthConnectionState State { get; init; }

    /// <summary>Gets why the user must reconnect; <see cref="ReauthReason.None"/> unless <see cref="State"/> is <see cref="OAuthConnectionState.ReauthRequired"/>.</summary>
    public ReauthReason Reason { get; init; }

    /// <summary>
    /// Gets a value indicating whether the user has a connection to this provider (in any state); <see langword="false"/>
    /// when the state is <see cref="OAuthConnectionState.Unknown"/>, since a page must not claim a connection it could not read.
    /// </summary>
    public bool IsConnected => State is not (OAuthConnectionState.NotConnected or OAuthConnectionState.Unknown);

    /// <summary>Gets a value indicating whether the user must reconnect (<see cref="OAuthConnectionState.ReauthRequired"/>).</summary>
    public bool NeedsReauth => State == OAuthConnectionState.ReauthRequired;

    /// <summary>Gets the connection id, when connected.</summary>
    public Guid? ConnectionId { get; init; }

    /// <summary>Gets the connected account's name at the provider, when known.</summary>
    public string? AccountName { get; init; }

    /// <summary>Gets when the stored access token expires, when known.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>Gets when the stored refresh token expires, when known.</summary>
    public DateTimeOffset? RefreshTokenExpiresAt { get; init; }

    /// <summary>
    /// Gets a value indicating whether an active connection ends within <see cref="OAuth2CaptureOptions.ExpiringSoonWindow"/>
    /// and cannot be renewed silently (its refresh token expires, or it has none and its access token expires): the user
    /// will have to reconnect soon, so a dashboard may suggest it now.
    /// </summary>
    public bool ExpiresSoon { get; init; }

    /// <summary>Gets the URL that (re)connects the provider and comes back to the current page.</summary>
    public required string ReconnectUrl { get; init; }

    /// <summary>
    /// Gets the friendly message for a connection that needs the user or cannot be used (<see cref="OAuthConnectionState.Unavailable"/>,
    /// from <see cref="Reauth.IReauthMessageProvider"/>) or whose state could not be read (<see cref="OAuthConnectionState.Unknown"/>);
    /// <see langword="null"/> otherwise.
    /// </summary>
    public string? Message { get; init; }
}

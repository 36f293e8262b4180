namespace OAuth2Capture.Http;

/// <summary>The state of the signed-in user's connection to one provider, as the store knows it (no provider call).</summary>
public enum OAuthConnectionState
{
    /// <summary>The user never connected the provider.</summary>
    NotConnected = 0,

    /// <summary>The connection works, or can be renewed silently when its access token expires.</summary>
    Active = 1,

    /// <summary>Only the user can fix the connection, by reconnecting; <see cref="OAuthProviderStatus.Reason"/> says why.</summary>
    ReauthRequired = 2,

    /// <summary>
    /// The connection exists but this app instance cannot use it, for a reason the user cannot fix: its stored tokens
    /// cannot be decrypted here (the Data Protection keys are missing). The operator is told; the user need not reconnect.
    /// Shown once this instance has tried the connection's tokens (a token request, the background sweep).
    /// </summary>
    Unavailable = 3,

    /// <summary>
    /// Nothing is known about the connection for now: the app's own store could not be read (the database is down or
    /// unreachable). Not the user's to fix and no reason to reconnect; the outage is logged for the operator (event 1201)
    /// and the next request reads the store again. <see cref="OAuthProviderStatus.Message"/> says so.
    /// </summary>
    Unknown = 4,
}

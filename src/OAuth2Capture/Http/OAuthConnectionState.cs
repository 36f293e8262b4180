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
}

namespace OAuth2Capture.Storage;

/// <summary>The stored health of a connection.</summary>
public enum ConnectionHealth
{
    /// <summary>The connection works or can be refreshed silently.</summary>
    Active = 0,

    /// <summary>The provider stopped honouring the grant; the user must reconnect (see <see cref="OAuthToken.ReauthReason"/>).</summary>
    ReauthRequired = 1,
}

namespace OAuth2Capture.Reauth;

/// <summary>What happened to a connection, in a <see cref="ReauthNotificationContext"/>.</summary>
public enum ReauthNotificationKind
{
    /// <summary>The connection became unusable until the user reconnects; <see cref="ReauthNotificationContext.Reason"/> says why.</summary>
    ReauthRequired = 0,

    /// <summary>A connection that required re-authorization works again (the user reconnected).</summary>
    Recovered = 1,

    /// <summary>
    /// The grant ends at <see cref="ReauthNotificationContext.ExpiresAt"/> and nothing can renew it silently (no refresh token,
    /// or a refresh token with a fixed end such as LinkedIn's 365 days): the user must reconnect before then. Reported by the
    /// background refresher when the end enters its notice window.
    /// </summary>
    ExpiringWithoutRefresh = 2,
}

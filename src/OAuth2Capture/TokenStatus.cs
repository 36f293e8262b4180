namespace OAuth2Capture;

/// <summary>
/// What <see cref="Tokens.ITokenValidityService"/> found when it was asked for a connection's access token.
/// </summary>
public enum TokenStatus
{
    /// <summary>The stored access token is good: call the API.</summary>
    Valid,

    /// <summary>The access token was refreshed just now, transparently: call the API.</summary>
    Refreshed,

    /// <summary>The user never connected this provider: start the initial connect flow.</summary>
    NotConnected,

    /// <summary>Only the user can fix it by reconnecting; <see cref="Tokens.TokenResult.Reason"/> says why.</summary>
    ReauthRequired,

    /// <summary>
    /// The provider is down, slow or rate limiting; <see cref="Tokens.TokenResult.RetryAfter"/> says when to retry if known.
    /// Never ask the user to reconnect for this.
    /// </summary>
    TemporarilyUnavailable,

    /// <summary>
    /// The app's own client credentials or settings were rejected by the provider. Alert the operator;
    /// never loop the user through re-authorization for this.
    /// </summary>
    ConfigurationError,
}

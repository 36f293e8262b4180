namespace OAuth2Capture;

/// <summary>
/// What a connection whose stored tokens this instance cannot decrypt becomes (<c>OAuth2Capture:Store:UnreadableSecrets</c>):
/// the Data Protection key ring was lost, is not shared between instances, or its key was revoked.
/// </summary>
public enum UnreadableSecretsPolicy
{
    /// <summary>
    /// The default: the operator's problem, since the keys may still exist (on another instance, in a backup). The token
    /// service answers <see cref="TokenStatus.ConfigurationError"/> with the error <c>token_unreadable</c>, the row is left
    /// as it is, the user is not asked to reconnect, and the operator is told once per connection (log event 2101) and by
    /// the health check.
    /// </summary>
    ReportToOperator = 0,

    /// <summary>
    /// The operator declares the old keys lost: an unreadable connection is marked <see cref="TokenStatus.ReauthRequired"/>
    /// with <see cref="ReauthReason.SecretsUnreadable"/> in the store the first time it is read (notifiers fire once), so the
    /// user is asked to reconnect.
    /// </summary>
    RequireReauth = 1,
}

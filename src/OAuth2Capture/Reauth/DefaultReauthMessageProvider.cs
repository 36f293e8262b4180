using OAuth2Capture.Tokens;

namespace OAuth2Capture.Reauth;

/// <summary>The default wording: one specific English sentence or two per status and reason, naming the provider.</summary>
internal sealed class DefaultReauthMessageProvider : IReauthMessageProvider
{
    public string GetMessage(ReauthMessageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.ProviderDisplayName;
        return context.Status switch
        {
            TokenStatus.NotConnected => $"Connect your {name} account to continue.",
            TokenStatus.ReauthRequired => context.Reason switch
            {
                ReauthReason.RefreshTokenExpired => $"Your {name} connection has expired. Reconnect to continue.",
                ReauthReason.Revoked => $"Your {name} connection was revoked. Reconnect to continue.",
                ReauthReason.InsufficientScope => $"{name} needs more permissions for this. Reconnect and approve them to continue.",
                ReauthReason.NoRefreshToken => $"Your {name} sign-in has run out, and {name} does not renew it automatically. Reconnect to continue.",
                ReauthReason.Inactivity => $"Your {name} connection expired after a period of inactivity. Reconnect to continue.",
                ReauthReason.RotatedRefreshTokenLost => $"Your {name} connection was interrupted while it was being renewed. Reconnect to continue.",
                ReauthReason.SecretsUnreadable => $"We have to ask you to reconnect your {name} account: because of a problem on our side, this app can no longer read the access you gave it. Reconnect to continue.",
                ReauthReason.AccountNeedsAttention => $"{name} needs you to sign in at {name} and deal with a notice on your account first. Then reconnect to continue.",
                ReauthReason.ReauthLoopDetected => $"Your {name} connection keeps failing right after you reconnect. This needs a fix on our side; the operators have been told.",
                ReauthReason.ProviderRejected or ReauthReason.None => $"{name} no longer accepts this app's access to your account. Reconnect to continue.",
            },
            TokenStatus.TemporarilyUnavailable => $"{name} is not responding right now. Your connection is fine; please try again in a moment.",
            TokenStatus.ConfigurationError => $"{name} can't be used right now because of a problem on our side. The operators have been told; you don't need to reconnect.",
            TokenStatus.Valid or TokenStatus.Refreshed => $"Your {name} connection is working.",
        };
    }
}

using OAuth2Capture.Providers;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Told when a connection has just been marked for re-auth, by the refresher whose conditional update flipped the row (so
/// once per transition across instances). The app's notifications, which sit above the token services, listen.
/// </summary>
internal interface IReauthTransitionListener
{
    /// <summary>Reports the transition; never throws.</summary>
    /// <param name="provider">The connection's provider.</param>
    /// <param name="row">The row as written.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>A task that completes when the listeners were told.</returns>
    Task ReauthRequiredAsync(OAuthProvider provider, OAuthToken row, CancellationToken cancellationToken);
}

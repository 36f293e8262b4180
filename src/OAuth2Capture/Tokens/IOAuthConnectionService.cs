namespace OAuth2Capture.Tokens;

/// <summary>
/// Manages a user's stored connections from the app's own code (a settings page, an account-deletion job, an admin
/// tool): the same rules as <c>POST {PathPrefix}/{id}/revoke</c>, which is built on it.
/// </summary>
public interface IOAuthConnectionService
{
    /// <summary>
    /// Disconnects one of the owner's connections: revokes the grant at the provider when the provider offers a way, then
    /// deletes the stored row. The row is deleted even when the provider cannot be told (it refused, failed, was
    /// unreachable, or the stored tokens can no longer be decrypted); <see cref="DisconnectResult.Revocation"/> says so.
    /// </summary>
    /// <param name="ownerId">The app's user id that must own the connection (see <c>IOwnerIdResolver</c>).</param>
    /// <param name="connectionId">The connection (stored token row) id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The result. <see cref="DisconnectResult.Found"/> is <see langword="false"/> when no such connection exists or it
    /// belongs to someone else; then nothing was changed and the provider was not called.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    Task<DisconnectResult> DisconnectAsync(string ownerId, Guid connectionId, CancellationToken cancellationToken = default);
}

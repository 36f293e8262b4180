namespace OAuth2Capture.Http;

/// <summary>
/// The signed-in user's connection status for every configured provider, put on <c>HttpContext.Features</c> by
/// <c>app.UseOAuth2Capture()</c> for signed-in users (read it with <c>HttpContext.GetOAuthStatus()</c>).
/// </summary>
/// <remarks>
/// Lazy and cheap: installing it costs nothing; the first read runs one store query for all of the user's connections
/// (<c>ITokenStore.ListByOwnerAsync</c>) and the answer is kept for the rest of the request. No provider is called:
/// states come from what the store knows (a connection marked for re-auth, or a refresh token whose known expiry passed).
/// </remarks>
public interface IOAuthStatusFeature
{
    /// <summary>Gets the signed-in user's owner id (see <see cref="IOwnerIdResolver"/>).</summary>
    string OwnerId { get; }

    /// <summary>
    /// Gets the friendly message <c>[RequireOAuthToken]</c> produced during this request when it sent the user to
    /// reconnect, for apps without TempData; <see langword="null"/> otherwise.
    /// </summary>
    string? ReauthMessage { get; }

    /// <summary>Gets the status of every configured provider, in provider-name order (one store query, on the first call only).</summary>
    /// <param name="cancellationToken">Cancels this caller's wait.</param>
    /// <returns>One entry per configured provider, connected or not.</returns>
    ValueTask<IReadOnlyList<OAuthProviderStatus>> GetProvidersAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets one provider's status.</summary>
    /// <param name="provider">The provider name (case-insensitive).</param>
    /// <param name="cancellationToken">Cancels this caller's wait.</param>
    /// <returns>The status, or <see langword="null"/> when the provider is not configured.</returns>
    ValueTask<OAuthProviderStatus?> GetProviderAsync(string provider, CancellationToken cancellationToken = default);
}

namespace OAuth2Capture.Tokens;

/// <summary>
/// Hands out valid access tokens for the app's users, refreshing transparently, or says precisely why
/// the user must reconnect.
/// </summary>
public interface ITokenValidityService
{
    /// <summary>
    /// Gets a usable access token for the owner's connection to <paramref name="provider"/> (the most recently
    /// updated one when the owner connected several accounts), refreshing it when it expires within the refresh skew.
    /// </summary>
    /// <param name="ownerId">The app's user id (see <c>IOwnerIdResolver</c>).</param>
    /// <param name="provider">The provider name, for example <c>github</c>.</param>
    /// <param name="cancellationToken">Cancels the caller's wait (never a refresh other callers share).</param>
    /// <returns>The result; never throws for provider failures.</returns>
    /// <remarks>
    /// One store read per call, shared by concurrent calls for the same owner and provider; none while the token is in the
    /// optional cache (<see cref="OAuth2CaptureOptions.TokenCacheDuration"/>, off by default).
    /// </remarks>
    Task<TokenResult> GetValidTokenAsync(string ownerId, string provider, CancellationToken cancellationToken = default);

    /// <summary>Gets a usable access token for one connection, refreshing it when needed.</summary>
    /// <param name="connectionId">The connection (stored token row) id.</param>
    /// <param name="cancellationToken">Cancels the caller's wait.</param>
    /// <returns>The result; <see cref="TokenStatus.NotConnected"/> when no such connection exists.</returns>
    Task<TokenResult> GetValidTokenAsync(Guid connectionId, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="GetValidTokenAsync(string, string, CancellationToken)"/>, but throws when there is no usable token.</summary>
    /// <param name="ownerId">The app's user id.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="cancellationToken">Cancels the caller's wait.</param>
    /// <returns>A result whose <see cref="TokenResult.AccessToken"/> is set.</returns>
    /// <exception cref="TokenNotConnectedException">The user never connected the provider.</exception>
    /// <exception cref="TokenExpiredException">The grant expired (refresh token expired, no refresh token, inactivity).</exception>
    /// <exception cref="TokenRevokedException">The grant was revoked or rejected by the provider.</exception>
    /// <exception cref="InsufficientScopeException">The grant lacks scopes the app needs.</exception>
    /// <exception cref="TokenRefreshException">The provider is temporarily unavailable; retry later.</exception>
    /// <exception cref="OAuthConfigurationException">The provider rejected the app's own credentials or settings.</exception>
    Task<TokenResult> GetRequiredTokenAsync(string ownerId, string provider, CancellationToken cancellationToken = default);

    /// <summary>Asks the provider whether the stored access token still works (introspection or a user-info probe); answers are cached briefly.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The provider's verdict; <see cref="TokenValidationState.Unknown"/> when the provider could not be asked, or the app's own store could not be read.</returns>
    Task<TokenValidation> ValidateWithProviderAsync(Guid connectionId, CancellationToken cancellationToken = default);

    /// <summary>Lists the owner's connections whose grant ends within <paramref name="window"/> and cannot be renewed silently, for dashboards.</summary>
    /// <param name="ownerId">The app's user id.</param>
    /// <param name="window">How far ahead to look; defaults to <see cref="OAuth2CaptureOptions.ExpiringSoonWindow"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The connections, soonest first.</returns>
    /// <exception cref="TokenRefreshException">The app's own store could not be read for now (<see cref="TokenResult.Error"/> is <c>store_unavailable</c>, with <see cref="TokenResult.RetryAfter"/>); never an empty list in its place.</exception>
    Task<IReadOnlyList<ExpiringConnection>> GetExpiringConnectionsAsync(string ownerId, TimeSpan? window = null, CancellationToken cancellationToken = default);
}

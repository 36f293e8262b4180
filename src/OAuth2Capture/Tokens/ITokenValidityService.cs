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
    /// <remarks>
    /// In a request, the exception may simply escape the endpoint: <c>app.UseOAuth2Capture()</c> (and
    /// <c>[RequireOAuthToken]</c> / <c>.RequireOAuthToken()</c> on the endpoints they guard) answer it as the filter answers
    /// the same result (see <see cref="OAuthTokenException"/>).
    /// </remarks>
    Task<TokenResult> GetRequiredTokenAsync(string ownerId, string provider, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports that the provider's API rejected <paramref name="accessToken"/> (an HTTP 401 before the token's expiry), from
    /// any HTTP stack (a provider SDK, Octokit): the library decides once, for every caller reporting the same token, whether
    /// the connection is dead. It renews the token when the connection can be renewed (the refresh's outcome decides), else
    /// asks the provider (introspection or a user-info probe); a confirmed rejection marks the connection
    /// <see cref="TokenStatus.ReauthRequired"/> with <see cref="ReauthReason.Revoked"/> (or the refresh's own reason). The
    /// <c>AddOAuth2CaptureToken</c> HTTP handler calls it for you.
    /// </summary>
    /// <param name="connectionId">The connection whose token was sent (<see cref="TokenResult.ConnectionId"/>).</param>
    /// <param name="accessToken">The access token the API rejected.</param>
    /// <param name="cancellationToken">Cancels the caller's wait (never a decision other callers share).</param>
    /// <returns>
    /// A usable token different from <paramref name="accessToken"/> (renewed, by this call or another): send the request
    /// again with it. The same token: the provider says it still works, or could not be asked, so the API's 401 has another
    /// cause and the connection is left as it is (log events 2202, 2203). A failed result: what the user or the operator must
    /// do, as from <see cref="GetValidTokenAsync(Guid, CancellationToken)"/>.
    /// </returns>
    Task<TokenResult> ReportRejectedAccessTokenAsync(Guid connectionId, string accessToken, CancellationToken cancellationToken = default);

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

namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// Renews a connection's access token for one family of provider behaviour. The strategy builds and sends the request
/// (through <see cref="RefreshContext.Backchannel"/>, which carries the resilience pipeline) and turns the answer into a
/// <see cref="TokenEndpointResponse"/>; it never throws for provider failures.
/// </summary>
internal interface IRefreshStrategy
{
    /// <summary>Gets a value indicating whether the provider can renew tokens without the user at all.</summary>
    bool CanRefresh { get; }

    /// <summary>
    /// Gets a value indicating whether renewal needs a stored refresh token. <see langword="false"/> for strategies that
    /// exchange the current access token instead (Facebook).
    /// </summary>
    bool RequiresRefreshToken => true;

    /// <summary>Renews the token.</summary>
    /// <param name="context">The provider, credentials, current tokens and HTTP client.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new tokens or the failure, classified by kind.</returns>
    Task<TokenEndpointResponse> RefreshAsync(RefreshContext context, CancellationToken cancellationToken);
}

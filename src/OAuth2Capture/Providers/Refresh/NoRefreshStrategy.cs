namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// For providers that issue no refresh token (GitHub OAuth apps): tokens are used until they stop working, and expiry
/// means re-authorization (<see cref="ReauthReason.NoRefreshToken"/>).
/// </summary>
internal sealed class NoRefreshStrategy : IRefreshStrategy
{
    private NoRefreshStrategy()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static NoRefreshStrategy Instance { get; } = new();

    /// <inheritdoc/>
    public bool CanRefresh => false;

    /// <inheritdoc/>
    public Task<TokenEndpointResponse> RefreshAsync(RefreshContext context, CancellationToken cancellationToken)
        => Task.FromResult(TokenEndpointResponse.Failure(TokenEndpointFailureKind.OAuthError, null, "no_refresh_token",
            $"{context?.Provider.DisplayName} issues no refresh token; the user must reconnect."));
}

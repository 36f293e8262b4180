namespace OAuth2Capture.Providers.Refresh;

/// <summary>What a <see cref="IRefreshStrategy"/> needs to renew one connection's tokens.</summary>
internal sealed class RefreshContext
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="provider">The configured provider.</param>
    /// <param name="backchannel">The provider's HTTP client (resilience pipeline included).</param>
    /// <param name="accessToken">The current access token.</param>
    /// <param name="refreshToken">The current refresh token, if any.</param>
    public RefreshContext(OAuthProvider provider, HttpClient backchannel, string accessToken, string? refreshToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(backchannel);
        Provider = provider;
        Backchannel = backchannel;
        AccessToken = accessToken;
        RefreshToken = refreshToken;
    }

    /// <summary>Gets the configured provider.</summary>
    public OAuthProvider Provider { get; }

    /// <summary>Gets the provider's HTTP client.</summary>
    public HttpClient Backchannel { get; }

    /// <summary>Gets the current access token (Facebook exchanges it; others ignore it).</summary>
    public string AccessToken { get; }

    /// <summary>Gets the current refresh token, if the provider issued one.</summary>
    public string? RefreshToken { get; }
}

namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// <see href="https://www.rfc-editor.org/rfc/rfc6749#section-6">RFC 6749 §6</see> refresh: a form POST of
/// <c>grant_type=refresh_token</c> and the refresh token, with the client in the body or in a Basic header as the
/// descriptor says. With Basic authentication the body carries nothing else, which is what Reddit requires. Covers
/// X, Google, LinkedIn, Reddit, Pinterest, GitHub Apps and generic providers; the shared reader handles GitHub's
/// errors inside HTTP 200 answers.
/// </summary>
internal sealed class StandardRefreshStrategy : IRefreshStrategy
{
    private StandardRefreshStrategy()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static StandardRefreshStrategy Instance { get; } = new();

    /// <inheritdoc/>
    public bool CanRefresh => true;

    /// <inheritdoc/>
    public Task<TokenEndpointResponse> RefreshAsync(RefreshContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(context.RefreshToken);
        var request = TokenEndpointClient.CreateFormPost(context.Provider, context.Provider.Descriptor.TokenEndpoint,
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", context.RefreshToken),
        ]);
        return TokenEndpointClient.SendAsync(context.Provider, context.Backchannel, request, cancellationToken);
    }
}

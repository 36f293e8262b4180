namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the provider, or the app's own store (<see cref="TokenResult.Error"/> <c>store_unavailable</c>), is temporarily unavailable (<see cref="TokenStatus.TemporarilyUnavailable"/>); retry after <see cref="TokenResult.RetryAfter"/>. Do not ask the user to reconnect.</summary>
/// <remarks>Escaping an endpoint, it is answered 503 with <c>Retry-After</c> (<c>temporarily_unavailable</c>, or <c>store_unavailable</c> when the app's own store is unreachable), never with a reconnect (see <see cref="OAuthTokenException"/>).</remarks>
public sealed class TokenRefreshException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenRefreshException(TokenResult result)
        : base(result, $"{result?.Provider} is temporarily unavailable ({result?.ErrorDescription}); retry later.")
    {
    }
}

namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the provider, or the app's own store (<see cref="TokenResult.Error"/> <c>store_unavailable</c>), is temporarily unavailable (<see cref="TokenStatus.TemporarilyUnavailable"/>); retry after <see cref="TokenResult.RetryAfter"/>. Do not ask the user to reconnect.</summary>
public sealed class TokenRefreshException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenRefreshException(TokenResult result)
        : base(result, $"{result?.Provider} is temporarily unavailable ({result?.ErrorDescription}); retry later.")
    {
    }
}

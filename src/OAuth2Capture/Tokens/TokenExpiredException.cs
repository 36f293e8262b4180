namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the grant expired (<see cref="ReauthReason.RefreshTokenExpired"/>, <see cref="ReauthReason.NoRefreshToken"/>, <see cref="ReauthReason.Inactivity"/>): the user must reconnect.</summary>
public sealed class TokenExpiredException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenExpiredException(TokenResult result)
        : base(result, $"The {result?.Provider} connection expired ({result?.Reason}); the user must reconnect.")
    {
    }
}

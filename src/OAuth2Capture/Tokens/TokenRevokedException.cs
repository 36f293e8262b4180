namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the grant was revoked or rejected by the provider (<see cref="ReauthReason.Revoked"/>, <see cref="ReauthReason.ProviderRejected"/>): the user must reconnect.</summary>
public sealed class TokenRevokedException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenRevokedException(TokenResult result)
        : base(result, $"The {result?.Provider} connection was revoked or rejected ({result?.Reason}); the user must reconnect.")
    {
    }
}

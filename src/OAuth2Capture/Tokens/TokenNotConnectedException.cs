namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the user never connected the provider (<see cref="TokenStatus.NotConnected"/>).</summary>
public sealed class TokenNotConnectedException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenNotConnectedException(TokenResult result)
        : base(result, $"No {result?.Provider} connection exists for this user; send the user to connect it.")
    {
    }
}

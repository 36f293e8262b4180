namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the user never connected the provider (<see cref="TokenStatus.NotConnected"/>).</summary>
/// <remarks>Escaping an endpoint, it is answered as <see cref="TokenStatus.NotConnected"/>: a browser is redirected to connect and back, an API caller gets 403 <c>not_connected</c> with <c>reauthUrl</c> (see <see cref="OAuthTokenException"/>).</remarks>
public sealed class TokenNotConnectedException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenNotConnectedException(TokenResult result)
        : base(result, $"No {result?.Provider} connection exists for this user; send the user to connect it.")
    {
    }
}

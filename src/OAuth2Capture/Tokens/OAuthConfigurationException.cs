namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the provider rejected the app's own credentials or settings (<see cref="TokenStatus.ConfigurationError"/>). Alert the operator; re-authorizing the user cannot help.</summary>
/// <remarks>Escaping an endpoint, it is answered 500 (<c>configuration_error</c>) with an operator-facing error log (event 1101), never with a reconnect (see <see cref="OAuthTokenException"/>).</remarks>
public sealed class OAuthConfigurationException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public OAuthConfigurationException(TokenResult result)
        : base(result, $"{result?.Provider} rejected the application's client credentials or settings ({result?.Error}: {result?.ErrorDescription}). This needs the operator, not the user.")
    {
    }
}

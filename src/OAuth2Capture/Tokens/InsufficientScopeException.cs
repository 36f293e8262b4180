namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the grant lacks scopes the app needs (<see cref="ReauthReason.InsufficientScope"/>): the user must consent to more.</summary>
public sealed class InsufficientScopeException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public InsufficientScopeException(TokenResult result)
        : base(result, $"The {result?.Provider} connection lacks required scopes; the user must reconnect and consent to them.")
    {
    }
}

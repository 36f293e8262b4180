namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the grant lacks scopes the app needs (<see cref="ReauthReason.InsufficientScope"/>): the user must consent to more.</summary>
/// <remarks>Escaping an endpoint, it is answered as <c>[RequireOAuthToken]</c> answers a grant missing a scope: a browser is redirected to reconnect and back, an API caller gets 403 <c>reauth_required</c> with reason <c>InsufficientScope</c> and <c>reauthUrl</c>; the connection is not marked dead (see <see cref="OAuthTokenException"/>).</remarks>
public sealed class InsufficientScopeException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public InsufficientScopeException(TokenResult result)
        : base(result, $"The {result?.Provider} connection lacks required scopes; the user must reconnect and consent to them.")
    {
    }
}

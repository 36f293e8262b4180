namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the grant was revoked or rejected by the provider (<see cref="ReauthReason.Revoked"/>, <see cref="ReauthReason.ProviderRejected"/>): the user must reconnect.</summary>
/// <remarks>Escaping an endpoint, it is answered as <see cref="TokenStatus.ReauthRequired"/>: a browser is redirected to reconnect and back, an API caller gets 403 <c>reauth_required</c> with <c>reason</c> and <c>reauthUrl</c>; a connection stopped by the loop guard answers 500 <c>reauth_loop</c> instead (see <see cref="OAuthTokenException"/>).</remarks>
public sealed class TokenRevokedException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenRevokedException(TokenResult result)
        : base(result, $"The {result?.Provider} connection was revoked or rejected ({result?.Reason}); the user must reconnect.")
    {
    }
}

namespace OAuth2Capture.Tokens;

/// <summary>Thrown when the grant expired (<see cref="ReauthReason.RefreshTokenExpired"/>, <see cref="ReauthReason.NoRefreshToken"/>, <see cref="ReauthReason.Inactivity"/>): the user must reconnect.</summary>
/// <remarks>Escaping an endpoint, it is answered as <see cref="TokenStatus.ReauthRequired"/>: a browser is redirected to reconnect and back, an API caller gets 403 <c>reauth_required</c> with <c>reason</c> and <c>reauthUrl</c> (see <see cref="OAuthTokenException"/>).</remarks>
public sealed class TokenExpiredException : OAuthTokenException
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    public TokenExpiredException(TokenResult result)
        : base(result, $"The {result?.Provider} connection expired ({result?.Reason}); the user must reconnect.")
    {
    }
}

namespace OAuth2Capture.Tokens;

/// <summary>
/// Base of the exceptions thrown by <see cref="ITokenValidityService.GetRequiredTokenAsync"/>. Each carries the
/// <see cref="TokenResult"/> it was made from.
/// </summary>
/// <remarks>
/// <para>
/// Letting one escape an MVC action, a Razor Pages handler or a minimal-API endpoint is a supported way to ask for
/// re-auth: <c>app.UseOAuth2Capture()</c> answers it exactly as <c>[RequireOAuthToken]</c> answers the same
/// <see cref="Result"/> (a browser is redirected to reconnect and back to the current URL with the message in TempData, an
/// API caller gets the 403 problem with <c>reauthUrl</c>, an outage 503 with <c>Retry-After</c>, a configuration error
/// the 500 operator error, and the re-auth loop guard applies). <c>[RequireOAuthToken]</c> and <c>.RequireOAuthToken()</c>
/// answer one escaping the endpoints they guard themselves, so those work without the middleware too.
/// </para>
/// <para>
/// It is answered only for a signed-in user, about that user's own connection, while nothing of the response has been
/// sent; otherwise it propagates to the app's exception handling. It is not logged as an error when the user can fix it
/// (log event 1103, <c>TokenExceptionAnswered</c>, at Information; Warning otherwise).
/// </para>
/// </remarks>
public class OAuthTokenException : Exception
{
    /// <summary>Initializes a new instance from a failed result.</summary>
    /// <param name="result">The failed result.</param>
    /// <param name="message">The message.</param>
    public OAuthTokenException(TokenResult result, string message)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(result);
        Result = result;
    }

    /// <summary>Gets the failed result.</summary>
    public TokenResult Result { get; }

    /// <summary>Gets the provider name.</summary>
    public string Provider => Result.Provider;

    /// <summary>Gets the status.</summary>
    public TokenStatus Status => Result.Status;

    /// <summary>Gets the re-auth reason, <see cref="ReauthReason.None"/> unless <see cref="Status"/> is <see cref="TokenStatus.ReauthRequired"/>.</summary>
    public ReauthReason Reason => Result.Reason;

    /// <summary>Gets the connection id, when a connection exists.</summary>
    public Guid? ConnectionId => Result.ConnectionId;

    /// <summary>
    /// Gets the owner whose token was asked for, when the library threw it; <see langword="null"/> when unknown (an
    /// exception the app made itself), which the HTTP answer takes to mean the signed-in user.
    /// </summary>
    internal string? OwnerId { get; private set; }

    /// <summary>
    /// Gets a value indicating whether the app can recover without its operator: by retrying later
    /// or by sending the user through (re)connection. <see langword="false"/> for configuration errors.
    /// </summary>
    public bool Recoverable => Status != TokenStatus.ConfigurationError;

    /// <summary>Creates the exception matching a failed result.</summary>
    /// <param name="result">The failed result.</param>
    /// <returns>The exception to throw.</returns>
    /// <exception cref="ArgumentException">The result succeeded.</exception>
    public static OAuthTokenException FromResult(TokenResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status switch
        {
            TokenStatus.NotConnected => new TokenNotConnectedException(result),
            TokenStatus.TemporarilyUnavailable => new TokenRefreshException(result),
            TokenStatus.ConfigurationError => new OAuthConfigurationException(result),
            TokenStatus.ReauthRequired => result.Reason switch
            {
                ReauthReason.RefreshTokenExpired or ReauthReason.NoRefreshToken or ReauthReason.Inactivity => new TokenExpiredException(result),
                ReauthReason.InsufficientScope => new InsufficientScopeException(result),
                ReauthReason.Revoked or ReauthReason.ProviderRejected or ReauthReason.RotatedRefreshTokenLost or ReauthReason.SecretsUnreadable or ReauthReason.ReauthLoopDetected or ReauthReason.AccountNeedsAttention
                    or ReauthReason.None => new TokenRevokedException(result),
            },
            TokenStatus.Valid or TokenStatus.Refreshed => throw new ArgumentException("A successful result has no exception.", nameof(result)),
        };
    }

    /// <summary>Creates the exception matching a failed lookup of <paramref name="ownerId"/>'s token (<see langword="null"/>: unknown).</summary>
    internal static OAuthTokenException FromResult(TokenResult result, string? ownerId)
    {
        var exception = FromResult(result);
        exception.OwnerId = ownerId;
        return exception;
    }
}

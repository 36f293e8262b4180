using System.Net;

namespace OAuth2Capture.Providers.Refresh;

/// <summary>The outcome of a token-endpoint call: new tokens, or a failure described well enough to classify.</summary>
internal sealed class TokenEndpointResponse
{
    private TokenEndpointResponse()
    {
    }

    /// <summary>Gets a value indicating whether new tokens were issued.</summary>
    public bool IsSuccess { get; private init; }

    /// <summary>Gets the new access token on success.</summary>
    public string? AccessToken { get; private init; }

    /// <summary>Gets the new refresh token on success, or <see langword="null"/> when the provider sent none (keep the old one).</summary>
    public string? RefreshToken { get; private init; }

    /// <summary>Gets the token type on success.</summary>
    public string? TokenType { get; private init; }

    /// <summary>Gets the access token lifetime, when given.</summary>
    public TimeSpan? ExpiresIn { get; private init; }

    /// <summary>Gets the refresh token lifetime, when given (<c>refresh_token_expires_in</c>: LinkedIn, Pinterest, GitHub Apps).</summary>
    public TimeSpan? RefreshTokenExpiresIn { get; private init; }

    /// <summary>Gets the granted scopes, when given.</summary>
    public string? Scope { get; private init; }

    /// <summary>Gets the failure kind; meaningless on success.</summary>
    public TokenEndpointFailureKind FailureKind { get; private init; }

    /// <summary>Gets the HTTP status of the answer, when there was one.</summary>
    public HttpStatusCode? HttpStatus { get; private init; }

    /// <summary>Gets the OAuth <c>error</c> code (or the provider's equivalent, such as <c>OAuthException</c>).</summary>
    public string? Error { get; private init; }

    /// <summary>Gets the provider's error description or a description of what went wrong; never contains token values.</summary>
    public string? ErrorDescription { get; private init; }

    /// <summary>Gets a provider-specific error sub-code (Facebook's <c>error_subcode</c>, Google's <c>error_subtype</c>).</summary>
    public string? ErrorSubcode { get; private init; }

    /// <summary>Gets the provider's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>
    /// Gets a value indicating whether the request may have reached the provider although no answer came back (a timeout,
    /// a connection lost after sending), so the provider may have rotated the refresh token. <see langword="false"/> for an
    /// answer and for a call that was never sent (an open circuit, a refused connection).
    /// </summary>
    public bool OutcomeUnknown { get; private init; }

    /// <summary>Creates a success.</summary>
    /// <param name="accessToken">The new access token.</param>
    /// <param name="refreshToken">The new refresh token, if any.</param>
    /// <param name="tokenType">The token type.</param>
    /// <param name="expiresIn">The access token lifetime.</param>
    /// <param name="refreshTokenExpiresIn">The refresh token lifetime.</param>
    /// <param name="scope">The granted scopes.</param>
    /// <returns>The response.</returns>
    public static TokenEndpointResponse Success(string accessToken, string? refreshToken, string? tokenType, TimeSpan? expiresIn, TimeSpan? refreshTokenExpiresIn, string? scope)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        return new()
        {
            IsSuccess = true,
            AccessToken = accessToken,
            RefreshToken = string.IsNullOrEmpty(refreshToken) ? null : refreshToken,
            TokenType = tokenType,
            ExpiresIn = expiresIn,
            RefreshTokenExpiresIn = refreshTokenExpiresIn,
            Scope = scope,
        };
    }

    /// <summary>Creates a failure.</summary>
    /// <param name="kind">The failure kind.</param>
    /// <param name="httpStatus">The HTTP status, if there was an answer.</param>
    /// <param name="error">The OAuth error code, if any.</param>
    /// <param name="errorDescription">A description, never containing token values.</param>
    /// <param name="errorSubcode">A provider-specific sub-code, if any.</param>
    /// <param name="retryAfter">The provider's Retry-After, if any.</param>
    /// <param name="outcomeUnknown">Whether the request may have reached the provider without an answer (<see cref="OutcomeUnknown"/>).</param>
    /// <returns>The response.</returns>
    public static TokenEndpointResponse Failure(TokenEndpointFailureKind kind, HttpStatusCode? httpStatus, string? error, string? errorDescription, string? errorSubcode = null,
        TimeSpan? retryAfter = null, bool outcomeUnknown = false)
        => new()
        {
            OutcomeUnknown = outcomeUnknown,
            FailureKind = kind,
            HttpStatus = httpStatus,
            Error = error,
            ErrorDescription = errorDescription,
            ErrorSubcode = errorSubcode,
            RetryAfter = retryAfter,
        };

    /// <inheritdoc/>
    public override string ToString()
        => IsSuccess ? "success" : $"{FailureKind} (HTTP {(int?)HttpStatus}) {Error}: {ErrorDescription}";
}

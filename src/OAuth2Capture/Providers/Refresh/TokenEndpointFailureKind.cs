namespace OAuth2Capture.Providers.Refresh;

/// <summary>Why a token-endpoint call failed, before the failure is classified into a <see cref="TokenStatus"/>.</summary>
internal enum TokenEndpointFailureKind
{
    /// <summary>The provider answered with an OAuth error (<c>error</c> field), whatever the HTTP status.</summary>
    OAuthError,

    /// <summary>The provider answered 429 Too Many Requests.</summary>
    RateLimited,

    /// <summary>The provider answered a 5xx status (or 408) without a usable OAuth error.</summary>
    ServerError,

    /// <summary>The provider did not answer within the time bound.</summary>
    Timeout,

    /// <summary>The provider could not be reached (DNS, connection refused, TLS, reset).</summary>
    NetworkError,

    /// <summary>The circuit breaker is open after repeated failures; the provider was not called.</summary>
    CircuitOpen,

    /// <summary>The provider answered something that is not a usable token response (HTML page, malformed JSON, no access token).</summary>
    MalformedResponse,

    /// <summary>
    /// The answer broke a bound on what a provider may send (its body over <c>OAuth2Capture:Resilience:MaxResponseSize</c>,
    /// or JSON nested deeper than <c>MaxResponseJsonDepth</c>) and was not read. A body too slow to arrive is a <see cref="Timeout"/>.
    /// </summary>
    OversizedResponse,
}

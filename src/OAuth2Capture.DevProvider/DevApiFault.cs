namespace OAuth2Capture.DevProvider;

/// <summary>
/// A fault the dev provider's protected API answers instead of serving one call, whatever the token
/// (see <see cref="DevProviderFaults.FailNextApiCalls(DevApiFault, int, TimeSpan?)"/>).
/// </summary>
public enum DevApiFault
{
    /// <summary>HTTP 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>, although the token may be valid: an API whose 401 the provider contradicts.</summary>
    Unauthorized,

    /// <summary>HTTP 403 with <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="write"</c>.</summary>
    InsufficientScope,

    /// <summary>HTTP 429 with a <c>Retry-After</c> header (seconds; 1 unless given).</summary>
    TooManyRequests,

    /// <summary>HTTP 503 (with <c>Retry-After</c> when one is given).</summary>
    ServiceUnavailable,
}

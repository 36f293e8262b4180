namespace OAuth2Capture.DevProvider;

/// <summary>
/// A fault the dev provider answers instead of the real token response, for one token request each
/// (see <see cref="DevProviderFaults.FailNextTokenRequests(DevTokenFault, int, TimeSpan?)"/>).
/// </summary>
public enum DevTokenFault
{
    /// <summary>HTTP 429 with a <c>Retry-After</c> header (seconds) and the body <c>{"error":"rate_limited"}</c>.</summary>
    TooManyRequests,

    /// <summary>HTTP 503 with a JSON body <c>{"error":"temporarily_unavailable",...}</c> (and <c>Retry-After</c> when one is given).</summary>
    ServiceUnavailable,

    /// <summary>
    /// No answer at all: the request hangs until the client aborts it, the server stops, or
    /// <see cref="DevProviderFaults.Reset"/> is called; the connection is then aborted.
    /// </summary>
    Hang,

    /// <summary>
    /// The request is served for real (a refresh grant rotates the refresh token) but the answer is never sent: the request
    /// then hangs like <see cref="Hang"/>. Plays a provider that processed the request while the client crashed or lost
    /// the connection.
    /// </summary>
    HangAfterIssuing,

    /// <summary>HTTP 502 with the <c>text/html</c> body <c>&lt;html&gt;&lt;body&gt;&lt;h1&gt;Bad Gateway&lt;/h1&gt;&lt;/body&gt;&lt;/html&gt;</c>.</summary>
    HtmlErrorPage,

    /// <summary>HTTP 200 with <c>application/json</c> and the truncated body <c>{"access_token": "abc",</c>.</summary>
    MalformedJson,

    /// <summary>HTTP 401 with <c>{"error":"invalid_client","error_description":"Client authentication failed."}</c>.</summary>
    InvalidClient,

    /// <summary>HTTP 400 with <c>{"error":"invalid_scope","error_description":"The requested scope is invalid, unknown, or malformed."}</c>.</summary>
    InvalidScope,
}

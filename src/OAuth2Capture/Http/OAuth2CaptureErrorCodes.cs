namespace OAuth2Capture.Http;

/// <summary>
/// Stable error codes of OAuth2Capture's HTTP answers (the <c>code</c> member of problem details, and the error page).
/// Each problem's <c>type</c> is <c>urn:oauth2capture:problem:{code}</c>. Shipped codes never change meaning.
/// </summary>
public static class OAuth2CaptureErrorCodes
{
    /// <summary>The provider in the URL is not configured (404).</summary>
    public const string UnknownProvider = "unknown_provider";

    /// <summary>The OAuth <c>state</c> or correlation cookie was missing, tampered with or replayed (400).</summary>
    public const string InvalidState = "invalid_state";

    /// <summary>The user declined access at the provider (403, friendly page with a retry link).</summary>
    public const string AccessDenied = "access_denied";

    /// <summary>The provider refused to exchange the authorization code (502).</summary>
    public const string CodeExchangeFailed = "code_exchange_failed";

    /// <summary>The provider could not be reached or is failing (503).</summary>
    public const string ProviderUnavailable = "provider_unavailable";

    /// <summary>The provider account is already connected to another user of this app (409).</summary>
    public const string AccountAlreadyConnected = "account_already_connected";

    /// <summary>The connection needs the user to re-authorize (403 with <c>reauthUrl</c>).</summary>
    public const string ReauthRequired = "reauth_required";

    /// <summary>The user has not connected the provider yet (403 with <c>reauthUrl</c>, the connect URL).</summary>
    public const string NotConnected = "not_connected";

    /// <summary>The provider is temporarily unavailable; retry after <c>Retry-After</c> (503).</summary>
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    /// <summary>
    /// The app's own database (the connection store) could not be reached; nothing was changed, and the connection itself is
    /// fine. Retry after <c>Retry-After</c> (503); the operator should check the database.
    /// </summary>
    public const string StoreUnavailable = Storage.StoreFailure.ErrorCode;

    /// <summary>The app's own provider configuration was rejected; the operator must act (500).</summary>
    public const string ConfigurationError = "configuration_error";

    /// <summary>
    /// The connection's stored tokens cannot be decrypted by this app instance (its Data Protection key ring lacks their
    /// key); the operator must act, the user need not reconnect (500). Also the <c>TokenResult.Error</c> of that result.
    /// </summary>
    public const string TokenUnreadable = Tokens.UnreadableSecretsAnswer.ErrorCode;

    /// <summary>The connection died right after several reconnects; redirecting again would loop (500, operator page).</summary>
    public const string ReauthLoop = "reauth_loop";

    /// <summary>No such connection among the signed-in user's own (404).</summary>
    public const string ConnectionNotFound = "connection_not_found";

    /// <summary>The antiforgery token was missing or invalid (400).</summary>
    public const string AntiforgeryFailed = "antiforgery_failed";

    /// <summary>The request needs a signed-in user (401).</summary>
    public const string NotSignedIn = "not_signed_in";

    /// <summary>Builds the problem <c>type</c> URI of a code.</summary>
    /// <param name="code">The error code.</param>
    /// <returns><c>urn:oauth2capture:problem:{code}</c>.</returns>
    public static string ProblemType(string code) => "urn:oauth2capture:problem:" + code;
}

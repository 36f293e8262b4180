using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// The one place that turns a failed <see cref="TokenResult"/> into the HTTP answer's <see cref="OAuth2CaptureError"/>
/// (used by <c>[RequireOAuthToken]</c> and <c>.RequireOAuthToken()</c> alike).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="TokenStatus.ReauthRequired"/> and <see cref="TokenStatus.NotConnected"/> answer <b>403</b> with a
/// <c>reauthUrl</c>, never 401. A 401 tells the app's own front end that the user's session <i>with the app</i> ended:
/// SPA interceptors and cookie handlers react by signing the user out or bouncing them to the app's login page, which is
/// wrong and loses their work. The user is signed in; what is missing is a grant at a third party, which only they can
/// give: that is "forbidden until you do X", and the <c>WWW-Authenticate</c> header and the problem's <c>reauthUrl</c>
/// say what X is. Microsoft.Identity.Web answers its incremental-consent challenge the same way (403 with a
/// <c>WWW-Authenticate</c> carrying the consent URI).
/// </para>
/// <para>
/// <see cref="TokenStatus.TemporarilyUnavailable"/> answers 503 with <c>Retry-After</c> (the provider's, else
/// <see cref="OAuth2CaptureDefaults.DefaultRetryAfter"/>) and <see cref="TokenStatus.ConfigurationError"/> answers 500 and
/// logs an operator-facing error (event 1101). Neither carries a re-auth URL: reconnecting would not help the user.
/// A connection stopped by the re-auth loop guard (<see cref="ReauthReason.ReauthLoopDetected"/>) answers 500 too.
/// </para>
/// </remarks>
internal sealed partial class TokenFailureErrorMapper(
    IOAuthProviderCatalog catalog,
    IReauthMessageProvider messages,
    IOwnerIdResolver owners,
    ScopeRequestProtector scopeRequests,
    OAuth2CaptureEndpointLinks links,
    ILogger<TokenFailureErrorMapper> logger)
{
    public string GetDisplayName(string provider)
        => catalog.TryGet(provider, out var configured) ? configured.DisplayName : provider;

    public string GetMessage(HttpContext? context, string provider, TokenStatus status, ReauthReason reason)
        => messages.GetMessage(new ReauthMessageContext(context, provider, GetDisplayName(provider), status, reason));

    /// <summary>Whether the user can fix the failure by (re)connecting, so a browser may be redirected to connect.</summary>
    public static bool UserCanFix(TokenResult result)
        => result.Status == TokenStatus.NotConnected
            || (result.Status == TokenStatus.ReauthRequired && result.Reason != ReauthReason.ReauthLoopDetected);

    public OAuth2CaptureError Map(HttpContext context, TokenResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Succeeded)
        {
            throw new ArgumentException("Only failed results map to an error.", nameof(result));
        }

        var provider = result.Provider;
        var display = GetDisplayName(provider);
        var message = GetMessage(context, provider, result.Status, result.Reason);
        return result.Status switch
        {
            TokenStatus.NotConnected => new OAuth2CaptureError(StatusCodes.Status403Forbidden, OAuth2CaptureErrorCodes.NotConnected,
                $"Connect your {display} account", message, $"Connect {display}, then you'll come back here.")
            {
                Provider = provider,
                ProviderDisplayName = display,
                ReauthUrl = context.GetConnectUrl(provider, context.GetCurrentLocalUrl()),
            },
            TokenStatus.ReauthRequired when result.Reason == ReauthReason.ReauthLoopDetected => ReauthLoop(context, result, display, message),
            TokenStatus.ReauthRequired => new OAuth2CaptureError(StatusCodes.Status403Forbidden, OAuth2CaptureErrorCodes.ReauthRequired,
                $"Reconnect your {display} account", message, $"Reconnect {display}, then you'll come back here.")
            {
                Provider = provider,
                ProviderDisplayName = display,
                Reason = result.Reason.ToString(),
                ReauthUrl = ReconnectUrl(context.Request.PathBase, context.GetCurrentLocalUrl(), result, owners.GetOwnerId(context.User)),
            },
            TokenStatus.TemporarilyUnavailable when result.Error == Storage.StoreFailure.ErrorCode => StoreUnavailable(context, result, display),
            TokenStatus.TemporarilyUnavailable => new OAuth2CaptureError(StatusCodes.Status503ServiceUnavailable, OAuth2CaptureErrorCodes.TemporarilyUnavailable,
                $"{display} is temporarily unavailable", message, "Try again in a moment; you don't need to reconnect.")
            {
                Provider = provider,
                ProviderDisplayName = display,
                RetryAfter = result.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero ? retryAfter : OAuth2CaptureDefaults.DefaultRetryAfter,
            },
            TokenStatus.ConfigurationError when result.Error == OAuth2CaptureErrorCodes.TokenUnreadable => TokenUnreadable(result, display, message),
            TokenStatus.ConfigurationError => ConfigurationError(context, result, display, message),
            TokenStatus.Valid or TokenStatus.Refreshed => throw new ArgumentException("Only failed results map to an error.", nameof(result)),
        };
    }

    /// <summary>
    /// The reconnect of a failed result, coming back to <paramref name="returnUrl"/>; for a grant lacking scopes, asking for
    /// them too (sealed for <paramref name="ownerId"/>). For a request and for a Blazor circuit alike.
    /// </summary>
    public string ReconnectUrl(PathString pathBase, string returnUrl, TokenResult result, string? ownerId)
        => links.Connect(pathBase, result.Provider, returnUrl,
            scopes: result.MissingScopes.Count > 0 && ownerId is not null ? scopeRequests.Protect(ownerId, result.MissingScopes) : null);

    private OAuth2CaptureError ReauthLoop(HttpContext context, TokenResult result, string display, string message)
    {
        Log.ReauthLoopAnswered(logger, result.Provider, result.ConnectionId, context.Request.Path);
        return new OAuth2CaptureError(StatusCodes.Status500InternalServerError, OAuth2CaptureErrorCodes.ReauthLoop,
            $"{display} keeps rejecting the connection", message, "Please try again later; reconnecting again will not help.")
        {
            Provider = result.Provider,
            ProviderDisplayName = display,
            Reason = result.Reason.ToString(),
        };
    }

    private static OAuth2CaptureError StoreUnavailable(HttpContext context, TokenResult result, string display)
    {
        StoreOutage.Logged(context, result.ErrorDescription ?? Storage.StoreFailure.ErrorCode, exception: null);
        return Endpoints.Errors.StoreUnavailableError(result.Provider, display);
    }

    private OAuth2CaptureError ConfigurationError(HttpContext context, TokenResult result, string display, string message)
    {
        Log.ConfigurationError(logger, result.Provider, result.ConnectionId, result.Error, result.ErrorDescription, context.Request.Path);
        return new OAuth2CaptureError(StatusCodes.Status500InternalServerError, OAuth2CaptureErrorCodes.ConfigurationError,
            $"{display} is temporarily broken", message, "Please try again later; you don't need to reconnect.")
        {
            Provider = result.Provider,
            ProviderDisplayName = display,
        };
    }

    /// <summary>Logged once per connection by the token service (event 2101), so not again per request here.</summary>
    private static OAuth2CaptureError TokenUnreadable(TokenResult result, string display, string message)
        => new(StatusCodes.Status500InternalServerError, OAuth2CaptureErrorCodes.TokenUnreadable,
            $"Your {display} connection can't be read right now", message,
            $"Please try again later; the site's operators have been told. If it keeps failing, disconnect {display} and connect it again.")
        {
            Provider = result.Provider,
            ProviderDisplayName = display,
        };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, EventName = "TokenConfigurationError", Level = LogLevel.Error,
            Message = "A request to {Path} needed a {Provider} token (connection {ConnectionId}) but the provider rejected the application's own configuration (error {Error}): {Description} The user was shown a 500 answer and not asked to reconnect. Check this provider's OAuth2Capture:Providers section (client id, secret, endpoints).")]
        public static partial void ConfigurationError(ILogger logger, string provider, Guid? connectionId, string? error, string? description, string path);

        [LoggerMessage(EventId = 1102, EventName = "ReauthLoopAnswered", Level = LogLevel.Error,
            Message = "A request to {Path} needed a {Provider} token, but connection {ConnectionId} died right after each of several reconnects; the user is no longer redirected to reconnect. Check the client credentials, the provider's token policy (a test mode, an organisation's policy, a scope it never grants) and whether another environment shares this app registration.")]
        public static partial void ReauthLoopAnswered(ILogger logger, string provider, Guid? connectionId, string path);
    }
}

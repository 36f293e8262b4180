using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider.Endpoints;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>
/// Counts requests and applies the fault switches. It must run before the authentication middleware, where
/// OpenIddict answers authorization_code and refresh_token grants itself.
/// </summary>
internal sealed class DevProviderFaultMiddleware(
    RequestDelegate next,
    DevProviderFaults faults,
    DevProviderStats stats,
    DevProviderTokenOperations tokens,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<DevProviderFaultMiddleware> logger)
{
    internal const string InvalidClientBody =
        """{"error":"invalid_client","error_description":"Client authentication failed."}""";

    internal const string ExpiredRefreshTokenBody =
        """{"error":"invalid_grant","error_description":"The specified refresh token has expired."}""";

    internal const string RateLimitedBody = """{"error":"rate_limited"}""";

    internal const string ServiceUnavailableBody =
        """{"error":"temporarily_unavailable","error_description":"The service is temporarily unavailable."}""";

    internal const string InvalidScopeBody =
        """{"error":"invalid_scope","error_description":"The requested scope is invalid, unknown, or malformed."}""";

    internal const string HtmlErrorPageBody = "<html><body><h1>Bad Gateway</h1></body></html>";

    internal const string MalformedJsonBody = """{"access_token": "abc",""";

    private static readonly PathString TokenPath = "/" + DevProviderPaths.Token;
    private static readonly PathString AuthorizationPath = "/" + DevProviderPaths.Authorization;
    private static readonly PathString RevocationPath = "/" + DevProviderPaths.Revocation;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals(TokenPath, StringComparison.OrdinalIgnoreCase))
        {
            if (await TryAnswerTokenRequestAsync(context).ConfigureAwait(false))
            {
                return;
            }
        }
        else if (path.Equals(AuthorizationPath, StringComparison.OrdinalIgnoreCase))
        {
            if (!await IsConsentDecisionAsync(context).ConfigureAwait(false))
            {
                stats.RecordAuthorizationRequest();
            }
        }
        else if (path.Equals(RevocationPath, StringComparison.OrdinalIgnoreCase))
        {
            stats.RecordRevocationRequest();
        }

        await next(context).ConfigureAwait(false);
    }

    private static async Task<bool> IsConsentDecisionAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            return false;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        return form.ContainsKey(DevProviderAuthorizationEndpoint.DecisionParameter);
    }

    private static Task WriteAsync(HttpContext context, int statusCode, string contentType, string body)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        return response.WriteAsync(body, context.RequestAborted);
    }

    private static Task WriteJsonAsync(HttpContext context, int statusCode, string body)
        => WriteAsync(context, statusCode, "application/json;charset=UTF-8", body);

    private static string Seconds(TimeSpan delay)
        => ((long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<bool> TryAnswerTokenRequestAsync(HttpContext context)
    {
        IFormCollection? form = null;
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var isRefresh = string.Equals(form?[Parameters.GrantType], GrantTypes.RefreshToken, StringComparison.Ordinal);

        // Decide the fault before counting the request: whoever sees the count (a test waiting for a request to hang) may
        // reset the faults at once, and that reset must find this request's fault already taken.
        var rejectClientSecret = faults.RejectClientSecret;
        PendingTokenFault pending = default;
        CancellationToken hangRelease = default;
        var faulted = !rejectClientSecret && faults.TryTakeTokenFault(out pending, out hangRelease);
        stats.RecordTokenRequest(isRefresh);

        if (rejectClientSecret)
        {
            DevProviderLog.ClientSecretRejected(logger);
            await WriteJsonAsync(context, StatusCodes.Status401Unauthorized, InvalidClientBody).ConfigureAwait(false);
            return true;
        }

        if (faulted)
        {
            DevProviderLog.TokenFaultApplied(logger, pending.Fault);
            await ApplyAsync(context, pending, hangRelease).ConfigureAwait(false);
            return true;
        }

        if (isRefresh
            && form![Parameters.RefreshToken].ToString() is { Length: > 0 } presented
            && await tokens.IsExpiredRefreshTokenAsync(presented, context.RequestAborted).ConfigureAwait(false))
        {
            DevProviderLog.ExpiredRefreshTokenRejected(logger);
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, ExpiredRefreshTokenBody).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async Task ApplyAsync(HttpContext context, PendingTokenFault pending, CancellationToken hangRelease)
    {
        switch (pending.Fault)
        {
            case DevTokenFault.TooManyRequests:
                context.Response.Headers.RetryAfter = Seconds(pending.RetryAfter ?? TimeSpan.FromSeconds(1));
                await WriteJsonAsync(context, StatusCodes.Status429TooManyRequests, RateLimitedBody).ConfigureAwait(false);
                break;

            case DevTokenFault.ServiceUnavailable:
                if (pending.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = Seconds(retryAfter);
                }

                await WriteJsonAsync(context, StatusCodes.Status503ServiceUnavailable, ServiceUnavailableBody).ConfigureAwait(false);
                break;

            case DevTokenFault.Hang:
                await HangAsync(context, hangRelease).ConfigureAwait(false);
                break;

            case DevTokenFault.HangAfterIssuing:
                // OpenIddict serves the grant for real (a refresh token is rotated), but its answer never leaves.
                var body = context.Response.Body;
                await using (var withheld = new MemoryStream())
                {
                    context.Response.Body = withheld;
                    await next(context).ConfigureAwait(false);
                    context.Response.Body = body;
                }

                stats.RecordWithheldTokenAnswer();
                await HangAsync(context, hangRelease).ConfigureAwait(false);
                break;

            case DevTokenFault.HtmlErrorPage:
                await WriteAsync(context, StatusCodes.Status502BadGateway, "text/html; charset=utf-8", HtmlErrorPageBody).ConfigureAwait(false);
                break;

            case DevTokenFault.MalformedJson:
                await WriteJsonAsync(context, StatusCodes.Status200OK, MalformedJsonBody).ConfigureAwait(false);
                break;

            case DevTokenFault.InvalidClient:
                await WriteJsonAsync(context, StatusCodes.Status401Unauthorized, InvalidClientBody).ConfigureAwait(false);
                break;

            case DevTokenFault.InvalidScope:
                await WriteJsonAsync(context, StatusCodes.Status400BadRequest, InvalidScopeBody).ConfigureAwait(false);
                break;

            default:
                throw new InvalidOperationException($"Unknown token fault {pending.Fault}.");
        }
    }

    /// <summary>
    /// Sends nothing until the client gives up, the host stops or the faults are reset; then aborts the connection,
    /// so no response is ever written and shutdown is never held up.
    /// </summary>
    private async Task HangAsync(HttpContext context, CancellationToken hangRelease)
    {
        using var release = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping, hangRelease);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, release.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Released: fall through and abort.
        }

        DevProviderLog.HangReleased(logger);
        context.Abort();
    }
}

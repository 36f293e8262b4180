using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// The one implementation behind <c>[RequireOAuthToken]</c> (MVC and Razor Pages) and <c>.RequireOAuthToken()</c>
/// (minimal APIs): gets the signed-in user's token, checks the scopes the endpoint needs, and either puts the token on
/// <see cref="IOAuthTokenFeature"/> or answers the request itself. It also answers an <see cref="OAuthTokenException"/>
/// that escapes an endpoint (caught by <see cref="OAuthStatusMiddleware"/> and by those filters), the same way.
/// </summary>
/// <remarks>
/// Answers: an anonymous user gets the app's own authentication challenge; a browser whose connection the user can fix
/// (not connected, re-auth required) is redirected to the connect URL (or the requirement's <c>RedirectTo</c>) with the
/// message in TempData; everything else gets <see cref="OAuth2CaptureErrorWriter"/>'s problem details or page as mapped
/// by <see cref="TokenFailureErrorMapper"/>.
/// </remarks>
internal sealed partial class OAuthTokenRequirementEvaluator(
    ITokenValidityService tokens,
    IOwnerIdResolver owners,
    IOAuthProviderCatalog catalog,
    ITokenStore store,
    TokenFailureErrorMapper mapper,
    ReauthLoopGuard loopGuard,
    ILogger<OAuthTokenRequirementEvaluator> logger)
{
    /// <summary>Evaluates the requirement for the current request.</summary>
    /// <returns><see langword="true"/> when the endpoint may run; <see langword="false"/> when the response was written (or a challenge issued).</returns>
    public async Task<bool> EvaluateAsync(HttpContext context, OAuthTokenRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var ownerId = owners.GetOwnerId(context.User);
        if (ownerId is null)
        {
            // Not ours to handle: the app's authentication decides how to sign the user in (login redirect or 401).
            await context.ChallengeAsync().ConfigureAwait(false);
            return false;
        }

        var result = await tokens.GetValidTokenAsync(ownerId, requirement.Provider, context.RequestAborted).ConfigureAwait(false);
        if (result.Succeeded)
        {
            result = CheckScopes(result, requirement.Scopes);
        }

        if (result.Succeeded)
        {
            if (context.Features.Get<IOAuthTokenFeature>() is not OAuthTokenFeature feature)
            {
                feature = new OAuthTokenFeature();
                context.Features.Set<IOAuthTokenFeature>(feature);
            }

            feature.Set(result);
            return true;
        }

        await AnswerFailureAsync(context, result, ownerId, requirement.RedirectTo).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Answers an <see cref="OAuthTokenException"/> that escaped an endpoint exactly as <see cref="EvaluateAsync"/> answers
    /// its <see cref="OAuthTokenException.Result"/>, when it is ours to answer: a signed-in user, the exception about
    /// that user's connection (or about an owner it does not name), and a response not yet started.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="exception">What escaped.</param>
    /// <param name="requirement">The requirement of the filter that caught it, whose <c>RedirectTo</c> applies to its own provider; <see langword="null"/> from the middleware.</param>
    /// <returns><see langword="true"/> when answered; <see langword="false"/> when the caller must let the exception go on.</returns>
    public async Task<bool> TryAnswerAsync(HttpContext context, OAuthTokenException exception, OAuthTokenRequirement? requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        var ownerId = owners.GetOwnerId(context.User);
        if (ownerId is null || context.Response.HasStarted || exception.Result.Succeeded
            || (exception.OwnerId is { } thrownFor && !string.Equals(thrownFor, ownerId, StringComparison.Ordinal)))
        {
            // Anonymous, half-written, or another user's connection (a team's shared account): sending this user to
            // connect their own account could not fix it, so the app's exception handling decides.
            return false;
        }

        var result = exception.Result;
        var userCanFix = TokenFailureErrorMapper.UserCanFix(result);
        Log.TokenExceptionAnswered(logger, userCanFix ? LogLevel.Information : LogLevel.Warning, result.Provider,
            result.Status, result.Reason, context.Request.Path, userCanFix ? null : exception);
        context.Response.Clear();
        var redirectTo = requirement is not null && string.Equals(requirement.Provider, result.Provider, StringComparison.OrdinalIgnoreCase)
            ? requirement.RedirectTo
            : null;
        await AnswerFailureAsync(context, result, ownerId, redirectTo).ConfigureAwait(false);
        return true;
    }

    /// <summary>The answer to a failed result, whoever found it: the loop guard, then the redirect or the error.</summary>
    private async Task AnswerFailureAsync(HttpContext context, TokenResult result, string ownerId, string? redirectTo)
    {
        try
        {
            if (result.Status == TokenStatus.ReauthRequired && result.ConnectionId is { } connectionId
                && await store.FindByIdAsync(connectionId, context.RequestAborted).ConfigureAwait(false) is { } row
                && loopGuard.RecordDeath(row))
            {
                result = TokenResult.ReauthRequired(result.Provider, connectionId, ReauthReason.ReauthLoopDetected, result.Error, result.ErrorDescription);
            }

            await RespondAsync(context, result, ownerId, redirectTo).ConfigureAwait(false);
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, context.RequestAborted) && !context.Response.HasStarted)
        {
            // The token service answers a store outage itself; this catches the loop guard's own read.
            StoreOutage.Logged(context, exception.GetBaseException().Message, exception);
            await OAuth2CaptureErrorWriter.WriteAsync(context, Endpoints.Errors.StoreUnavailableError(result.Provider, mapper.GetDisplayName(result.Provider))).ConfigureAwait(false);
        }
    }

    private TokenResult CheckScopes(TokenResult result, IReadOnlyList<string> required)
    {
        if (required.Count == 0 || !catalog.TryGet(result.Provider, out var provider))
        {
            return result;
        }

        var missing = ScopeRules.Missing(result, provider, required);
        return missing.Count == 0 ? result : ScopeRules.Lacking(provider, result.ConnectionId!.Value, missing);
    }

    private async Task RespondAsync(HttpContext context, TokenResult result, string ownerId, string? redirectTo)
    {
        var error = mapper.Map(context, result);
        var userCanFix = TokenFailureErrorMapper.UserCanFix(result);
        if (userCanFix && OAuthStatusFeature.GetOrCreate(context, ownerId) is { } status)
        {
            status.ReauthMessage = error.Detail;
        }

        if (userCanFix && OAuth2CaptureErrorWriter.WantsHtml(context.Request))
        {
            FlashMessage.Set(context, error.Detail, result.Provider);
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Redirect(RedirectTarget(context, redirectTo) ?? error.ReauthUrl!);
            return;
        }

        await OAuth2CaptureErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
    }

    private static string? RedirectTarget(HttpContext context, string? redirectTo)
        => redirectTo is not null && redirectTo.StartsWith("~/", StringComparison.Ordinal)
            ? context.Request.PathBase + redirectTo[1..]
            : redirectTo;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1103, EventName = "TokenExceptionAnswered",
            Message = "An OAuthTokenException ({Status}, reason {Reason}) for {Provider} escaped the endpoint at {Path}; it was answered as [RequireOAuthToken] answers that result.")]
        public static partial void TokenExceptionAnswered(ILogger logger, LogLevel level, string provider, TokenStatus status, ReauthReason reason, PathString path, Exception? exception);
    }
}

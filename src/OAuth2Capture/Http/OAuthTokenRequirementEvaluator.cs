using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// The one implementation behind <c>[RequireOAuthToken]</c> (MVC and Razor Pages) and <c>.RequireOAuthToken()</c>
/// (minimal APIs): gets the signed-in user's token, checks the scopes the endpoint needs, and either puts the token on
/// <see cref="IOAuthTokenFeature"/> or answers the request itself.
/// </summary>
/// <remarks>
/// Answers: an anonymous user gets the app's own authentication challenge; a browser whose connection the user can fix
/// (not connected, re-auth required) is redirected to the connect URL (or the requirement's <c>RedirectTo</c>) with the
/// message in TempData; everything else gets <see cref="OAuth2CaptureErrorWriter"/>'s problem details or page as mapped
/// by <see cref="TokenFailureErrorMapper"/>.
/// </remarks>
internal sealed class OAuthTokenRequirementEvaluator(
    ITokenValidityService tokens,
    IOwnerIdResolver owners,
    IOAuthProviderCatalog catalog,
    ITokenStore store,
    TokenFailureErrorMapper mapper,
    ReauthLoopGuard loopGuard)
{
    /// <summary>Evaluates the requirement for the current request.</summary>
    /// <returns><see langword="true"/> when the endpoint may run; <see langword="false"/> when the response was written (or a challenge issued).</returns>
    public async Task<bool> EvaluateAsync(HttpContext context, OAuthTokenRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        try
        {
            return await EvaluateCoreAsync(context, requirement).ConfigureAwait(false);
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, context.RequestAborted) && !context.Response.HasStarted)
        {
            // The token service answers a store outage itself; this catches the filter's own reads (the loop guard's).
            StoreOutage.Logged(context, exception.GetBaseException().Message, exception);
            await OAuth2CaptureErrorWriter.WriteAsync(context, Endpoints.Errors.StoreUnavailableError(requirement.Provider, mapper.GetDisplayName(requirement.Provider))).ConfigureAwait(false);
            return false;
        }
    }

    private async Task<bool> EvaluateCoreAsync(HttpContext context, OAuthTokenRequirement requirement)
    {
        var ownerId = owners.GetOwnerId(context.User);
        if (ownerId is null)
        {
            // Not ours to handle: the app's authentication decides how to sign the user in (login redirect or 401).
            await context.ChallengeAsync().ConfigureAwait(false);
            return false;
        }

        var cancellationToken = context.RequestAborted;
        var result = await tokens.GetValidTokenAsync(ownerId, requirement.Provider, cancellationToken).ConfigureAwait(false);
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

        if (result.Status == TokenStatus.ReauthRequired && result.ConnectionId is { } connectionId
            && await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false) is { } row
            && loopGuard.RecordDeath(row))
        {
            result = TokenResult.ReauthRequired(result.Provider, connectionId, ReauthReason.ReauthLoopDetected, result.Error, result.ErrorDescription);
        }

        await RespondAsync(context, requirement, result, ownerId).ConfigureAwait(false);
        return false;
    }

    private TokenResult CheckScopes(TokenResult result, IReadOnlyList<string> required)
    {
        if (required.Count == 0 || !catalog.TryGet(result.Provider, out var provider))
        {
            return result;
        }

        var missing = required.Except(ScopeRules.Granted(result, provider), StringComparer.Ordinal).ToList();
        return missing.Count == 0 ? result : ScopeRules.Lacking(provider, result.ConnectionId!.Value, missing);
    }

    private async Task RespondAsync(HttpContext context, OAuthTokenRequirement requirement, TokenResult result, string ownerId)
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
            context.Response.Redirect(RedirectTarget(context, requirement.RedirectTo) ?? error.ReauthUrl!);
            return;
        }

        await OAuth2CaptureErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
    }

    private static string? RedirectTarget(HttpContext context, string? redirectTo)
        => redirectTo is not null && redirectTo.StartsWith("~/", StringComparison.Ordinal)
            ? context.Request.PathBase + redirectTo[1..]
            : redirectTo;
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OAuth2Capture.Http.ConnectFlow;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http.Endpoints;

/// <summary>
/// <c>GET {prefix}/{provider}/connect?returnUrl=…</c>: starts the provider's authorization for the signed-in user; also the
/// re-auth URL. A sealed <c>scopes</c> (written by the library when an endpoint or an API needs scopes the grant lacks)
/// makes it ask for the configured scopes, those the latest connection holds, and those.
/// </summary>
internal static class ConnectEndpoint
{
    public static async Task<IResult> HandleAsync(
        string provider,
        string? returnUrl,
        string? pendingAction,
        string? scopes,
        HttpContext context,
        IOAuthProviderCatalog catalog,
        IOwnerIdResolver ownerResolver,
        IAuthenticationSchemeProvider schemes,
        PendingActionProtector pendingActions,
        ScopeRequestProtector scopeRequests,
        ReauthLoopGuard loopGuard,
        ITokenStore store,
        IOptionsMonitor<OAuth2CaptureOptions> options)
    {
        if (!catalog.TryGet(provider, out var configured))
        {
            return Errors.UnknownProvider(provider);
        }

        var owner = ownerResolver.GetOwnerId(context.User);
        if (owner is null)
        {
            // Not signed in to the app: the app's own login, then back here.
            return await schemes.GetDefaultChallengeSchemeAsync().ConfigureAwait(false) is null
                ? Errors.NotSignedIn()
                : Results.Challenge(new AuthenticationProperties { RedirectUri = context.GetCurrentLocalUrl() });
        }

        var current = options.CurrentValue;
        var latest = await store.FindLatestAsync(owner, configured.Name, context.RequestAborted).ConfigureAwait(false);
        if (latest is { Status: ConnectionHealth.ReauthRequired } && loopGuard.RecordDeath(latest))
        {
            return Errors.ReauthLoop(configured, current);
        }

        var properties = new AuthenticationProperties { RedirectUri = LocalUrl.OrDefault(returnUrl, current.DefaultReturnUrl) };
        properties.Items[ConnectFlowItems.Owner] = owner;
        properties.Items[ConnectFlowItems.ReturnUrl] = properties.RedirectUri;
        if (pendingActions.Unprotect(owner, pendingAction) is { } action)
        {
            properties.Items[ConnectFlowItems.PendingAction] = action;
        }

        if (scopeRequests.Unprotect(owner, scopes) is { Count: > 0 } extra)
        {
            var requested = ScopeRules.ToRequest(configured, latest?.Scope, extra);
            properties.SetParameter<ICollection<string>>(OAuthChallengeProperties.ScopeKey, [.. requested]);
            properties.Items[ConnectFlowItems.RequestedScopes] = string.Join(' ', requested);
        }

        return Results.Challenge(properties, [OAuthSchemeConfiguration.SchemeName(configured.Name)]);
    }
}

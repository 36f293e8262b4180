using OAuth2Capture;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Http;
using OAuth2Capture.Tokens;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads OAuth2Capture's per-request features and builds the URLs of its endpoints for the current request.</summary>
public static class OAuth2CaptureHttpContextExtensions
{
    /// <summary>Gets the usable token that <c>[RequireOAuthToken]</c> or <c>.RequireOAuthToken()</c> obtained for this request.</summary>
    /// <param name="context">The current request.</param>
    /// <param name="provider">The provider name (case-insensitive).</param>
    /// <returns>The result (its <see cref="TokenResult.AccessToken"/> is set), or <see langword="null"/> when no requirement for
    /// <paramref name="provider"/> ran on this request.</returns>
    public static TokenResult? GetOAuthToken(this HttpContext context, string provider)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        return context.Features.Get<IOAuthTokenFeature>()?.Tokens.GetValueOrDefault(provider);
    }

    /// <summary>Gets the signed-in user's connection status, installed by <c>app.UseOAuth2Capture()</c>.</summary>
    /// <param name="context">The current request.</param>
    /// <returns>The feature, or <see langword="null"/> for anonymous users or when the middleware is not in the pipeline.</returns>
    public static IOAuthStatusFeature? GetOAuthStatus(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IOAuthStatusFeature>();
    }

    /// <summary>Gets the connect (and re-auth) URL of a provider: <c>{PathBase}{PathPrefix}/{provider}/connect?returnUrl=…</c>.</summary>
    /// <param name="context">The current request.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="returnUrl">Where to come back after connecting (local URLs only; others are ignored at connect time).</param>
    /// <returns>The app-relative URL.</returns>
    public static string GetConnectUrl(this HttpContext context, string provider, string? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        return context.RequestServices.GetRequiredService<OAuth2CaptureEndpointLinks>().Connect(context.Request.PathBase, provider, returnUrl);
    }

    /// <summary>
    /// Gets the connect URL carrying a pending action: an app-defined string (for example <c>post:42</c>) handed back in
    /// <see cref="OAuth2Capture.Reauth.ConnectionCapturedContext.PendingAction"/> after the user reconnects, so the app can retry what
    /// the user was doing. The value is sealed for the signed-in user and for 30 minutes; keep it small (it travels in URLs)
    /// and still check in the handler that the action belongs to the user.
    /// </summary>
    /// <param name="context">The current request (its user must be signed in).</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="returnUrl">Where to come back after connecting.</param>
    /// <param name="pendingAction">The action to hand back.</param>
    /// <returns>The app-relative URL.</returns>
    /// <exception cref="InvalidOperationException">The request has no signed-in user.</exception>
    public static string GetConnectUrl(this HttpContext context, string provider, string? returnUrl, string pendingAction)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(pendingAction);
        var owner = context.RequestServices.GetRequiredService<IOwnerIdResolver>().GetOwnerId(context.User)
            ?? throw new InvalidOperationException("A pending action can only be parked for a signed-in user.");
        var sealedAction = context.RequestServices.GetRequiredService<PendingActionProtector>().Protect(owner, pendingAction);
        return context.RequestServices.GetRequiredService<OAuth2CaptureEndpointLinks>().Connect(context.Request.PathBase, provider, returnUrl, sealedAction);
    }

    /// <summary>Gets the current request's app-relative URL (path and query), the natural <c>returnUrl</c> of a re-auth.</summary>
    /// <param name="context">The current request.</param>
    /// <returns>The URL.</returns>
    public static string GetCurrentLocalUrl(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
    }
}

using OAuth2Capture.Http;
using OAuth2Capture.Tokens;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads OAuth2Capture's per-request features.</summary>
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
}

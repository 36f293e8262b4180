using OAuth2Capture.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds OAuth2Capture's middleware to the request pipeline.</summary>
public static class OAuth2CaptureApplicationBuilderExtensions
{
    /// <summary>
    /// Puts an <see cref="IOAuthStatusFeature"/> on every signed-in user's request (read it with
    /// <c>HttpContext.GetOAuthStatus()</c>, or render <c>&lt;oauth2capture-reauth-banner /&gt;</c>): each configured
    /// provider's connection state, re-auth reason, expiry and reconnect URL. Nothing is queried until something reads
    /// it; then one store query covers all of the user's connections, and no provider is called.
    /// Call it after <c>UseAuthentication()</c> (it needs the signed-in user).
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application, so calls chain.</returns>
    public static IApplicationBuilder UseOAuth2Capture(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<OAuthStatusMiddleware>();
    }
}

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
    /// <remarks>
    /// It also answers an <see cref="OAuth2Capture.Tokens.OAuthTokenException"/> (for example from
    /// <c>GetRequiredTokenAsync</c>) that escapes a controller, a Razor page or a minimal-API endpoint after it, exactly as
    /// <see cref="RequireOAuthTokenAttribute"/> answers the same <see cref="OAuth2Capture.Tokens.TokenResult"/>: a browser is
    /// redirected to reconnect and back to the current URL with the message in TempData, an API caller gets the 403
    /// problem with <c>reauthUrl</c>, an outage (the provider's or the store's) 503 with <c>Retry-After</c>, a
    /// configuration error the 500 operator error; the re-auth loop guard applies. So app code can be straight-line:
    /// <c>var token = await tokens.GetRequiredTokenAsync(userId, "github");</c> and nothing else. The exception goes on to
    /// the app's own exception handling when the user is anonymous, when it is about another owner's connection, or when
    /// the response has already started. Put it before the endpoints (and after <c>UseExceptionHandler()</c>). Without it,
    /// only endpoints guarded by <c>[RequireOAuthToken]</c> or <c>.RequireOAuthToken()</c> answer such an exception.
    /// </remarks>
    /// <param name="app">The application.</param>
    /// <returns>The same application, so calls chain.</returns>
    public static IApplicationBuilder UseOAuth2Capture(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<OAuthStatusMiddleware>();
    }
}

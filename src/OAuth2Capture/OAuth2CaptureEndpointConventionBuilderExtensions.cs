using Microsoft.AspNetCore.Http;
using OAuth2Capture.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Requires a provider token on minimal-API endpoints and route groups.</summary>
public static class OAuth2CaptureEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires a usable token of <paramref name="provider"/> (with <paramref name="scopes"/>) before the endpoint runs;
    /// the token is then available from <c>HttpContext.GetOAuthToken(provider)</c>. Failures are answered as
    /// <see cref="RequireOAuthTokenAttribute"/> describes: a redirect to reconnect for browsers, 403 problem details with
    /// <c>reauthUrl</c> for API callers, 503 or 500 when reconnecting would not help.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="provider">The provider name, for example <c>github</c>.</param>
    /// <param name="scopes">Scopes the endpoint needs; a stored token lacking one is treated as insufficient scope.</param>
    /// <returns>The same builder, so calls chain.</returns>
    public static TBuilder RequireOAuthToken<TBuilder>(this TBuilder builder, string provider, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentNullException.ThrowIfNull(scopes);
        return builder.RequireOAuthToken(new RequireOAuthTokenAttribute(provider) { Scopes = scopes });
    }

    /// <summary>Requires a provider token as described by <paramref name="requirement"/> (provider, scopes, custom redirect).</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="requirement">The requirement, for example <c>new RequireOAuthTokenAttribute("github") { RedirectTo = "/connections" }</c>.</param>
    /// <returns>The same builder, so calls chain.</returns>
    public static TBuilder RequireOAuthToken<TBuilder>(this TBuilder builder, RequireOAuthTokenAttribute requirement)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(requirement);
        return builder.AddEndpointFilter(new RequireOAuthTokenEndpointFilter(requirement.ToRequirement()));
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Api;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Attaches a user's provider token to an app's own HTTP client (a typed or named <see cref="IHttpClientFactory"/> client).</summary>
public static class OAuth2CaptureHttpClientBuilderExtensions
{
    /// <summary>
    /// Sends every request of this client with the access token of a connection to <paramref name="provider"/>
    /// (<c>Authorization: Bearer …</c>): the signed-in user's by default, or the one named on the request
    /// (<see cref="System.Net.Http.OAuth2CaptureHttpRequestMessageExtensions"/>). The token is renewed when due, as by
    /// <see cref="OAuth2Capture.Tokens.ITokenValidityService"/>. When the API answers 401, the library decides once for all
    /// callers whether the connection is dead (a refresh, or a probe at the provider); a renewed token is sent again once
    /// when the request's content can be replayed. Throws an <see cref="OAuth2Capture.Tokens.OAuthTokenException"/>
    /// (not connected, re-auth required with its reason, insufficient scope, temporarily unavailable, configuration error)
    /// instead of sending when no usable token exists, and when the API confirms the token dead or lacks a scope.
    /// </summary>
    /// <remarks>
    /// The client's request logging is replaced by one that never logs headers (method, URI without query, status and
    /// duration at Debug, category <c>OAuth2Capture.Api.{client name}</c>): the client factory's default Trace-level header
    /// records carry the raw <c>Authorization</c> value in their structured state. Loggers the app adds after this call
    /// (<c>AddLogger</c>) are kept.
    /// </remarks>
    /// <param name="builder">The client's builder (<c>services.AddHttpClient&lt;T&gt;(…)</c>).</param>
    /// <param name="provider">The provider name (<c>OAuth2Capture:Providers:{name}</c>).</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    public static IHttpClientBuilder AddOAuth2CaptureToken(this IHttpClientBuilder builder, string provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        builder.Services.AddHttpContextAccessor();
        builder.RemoveAllLoggers().AddLogger(services => new HeaderlessHttpClientLogger(
            services.GetRequiredService<ILoggerFactory>().CreateLogger("OAuth2Capture.Api." + builder.Name)));
        return builder.AddHttpMessageHandler(services => new OAuthTokenHandler(
            provider,
            services.GetRequiredService<IHttpContextAccessor>(),
            services.GetRequiredService<IServiceScopeFactory>(),
            services.GetRequiredService<ILogger<OAuthTokenHandler>>()));
    }
}

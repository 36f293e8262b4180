using System.Net.Http.Headers;
using Microsoft.AspNetCore.WebUtilities;

// Lives with the Facebook descriptor; the namespace is the one it shipped in, so apps naming the type keep compiling.
namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// Facebook issues no refresh token; a still-valid long-lived user access token is exchanged for a fresh one with
/// <c>GET {token endpoint}?grant_type=fb_exchange_token&amp;client_id=…&amp;client_secret=…&amp;fb_exchange_token={access token}</c>
/// (<see href="https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived">Meta: get long-lived tokens</see>).
/// An expired token cannot be exchanged: Meta answers <c>OAuthException</c> code 190, subcode 463, which the shared
/// reader reports as <see cref="TokenEndpointResponse.Error"/> <c>OAuthException</c> and
/// <see cref="TokenEndpointResponse.ErrorSubcode"/> <c>190/463</c>, and <c>FacebookFailureClassifier</c> as
/// <see cref="ReauthReason.RefreshTokenExpired"/>. The client secret travels in the query string
/// because that is the documented request; the URI is never logged by this library.
/// </summary>
internal sealed class FacebookExchangeRefreshStrategy : IRefreshStrategy
{
    private FacebookExchangeRefreshStrategy()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static FacebookExchangeRefreshStrategy Instance { get; } = new();

    /// <inheritdoc/>
    public bool CanRefresh => true;

    /// <inheritdoc/>
    /// <remarks><see langword="false"/>: the access token itself is exchanged.</remarks>
    public bool RequiresRefreshToken => false;

    /// <inheritdoc/>
    /// <remarks>Uses <see cref="RefreshContext.AccessToken"/>; <see cref="RefreshContext.RefreshToken"/> is ignored (Facebook has none).</remarks>
    public Task<TokenEndpointResponse> RefreshAsync(RefreshContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(context.AccessToken);
        var provider = context.Provider;
        var uri = QueryHelpers.AddQueryString(provider.Descriptor.TokenEndpoint, new KeyValuePair<string, string?>[]
        {
            new("grant_type", "fb_exchange_token"),
            new("client_id", provider.ClientId),
            new("client_secret", provider.ClientSecret),
            new("fb_exchange_token", context.AccessToken),
        });
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return TokenEndpointClient.SendAsync(provider, context.Backchannel, request, cancellationToken);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OAuth2Capture.Providers.Resilience;
using OAuth2Capture.Providers.Responses;

namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// Sends a token-endpoint request and reads the answer defensively: JSON or form-encoded bodies, errors in a 200
/// (GitHub), error objects (Facebook Graph), HTML error pages, truncated JSON, timeouts and open circuits all become a
/// <see cref="TokenEndpointResponse"/>, never an exception.
/// </summary>
/// <remarks>
/// It reads shapes only. What a provider's own codes mean (Facebook's <c>190/463</c>, GitHub's <c>bad_refresh_token</c>)
/// is decided by the failure classifier on that provider's descriptor.
/// </remarks>
internal static class TokenEndpointClient
{
    /// <summary>Creates a form POST that asks for JSON, with the client authenticated the provider's way.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="parameters">The form parameters, without client credentials.</param>
    /// <returns>The request.</returns>
    public static HttpRequestMessage CreateFormPost(OAuthProvider provider, string endpoint, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var form = new List<KeyValuePair<string, string>>(parameters);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (provider.Descriptor.ClientAuthentication == ClientAuthenticationMethod.BasicHeader)
        {
            request.Headers.Authorization = CreateBasicHeader(provider.ClientId, provider.ClientSecret);
        }
        else
        {
            form.Add(new("client_id", provider.ClientId));
            form.Add(new("client_secret", provider.ClientSecret));
        }

        request.Content = new FormUrlEncodedContent(form);
        return request;
    }

    /// <summary>Creates an RFC 6749 §2.3.1 Basic header: id and secret form-URL-encoded, then Base64.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="clientSecret">The client secret.</param>
    /// <returns>The header value.</returns>
    public static AuthenticationHeaderValue CreateBasicHeader(string clientId, string clientSecret)
    {
        var raw = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}";
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(raw)));
    }

    /// <summary>Sends the request and reads the token response.</summary>
    /// <param name="provider">The provider (named in error descriptions).</param>
    /// <param name="client">The provider's HTTP client.</param>
    /// <param name="request">The request; disposed here.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tokens or the failure.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<TokenEndpointResponse> SendAsync(OAuthProvider provider, HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                // Headers only: the body is read below within the provider's bounds, never buffered whole by the client.
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ProviderCallFailure.TryClassify(ex, cancellationToken, out var how, out var retryAfter))
            {
                var sent = ProviderCallFailure.MayHaveBeenSent(how, ex);
                return how switch
                {
                    UnansweredCall.CircuitOpen => TokenEndpointResponse.Failure(TokenEndpointFailureKind.CircuitOpen, null, null,
                        $"{provider.DisplayName} failed repeatedly; calls are paused for a while (circuit open).", retryAfter: retryAfter),
                    UnansweredCall.Timeout => TokenEndpointResponse.Failure(TokenEndpointFailureKind.Timeout, null, null, $"{provider.DisplayName} did not answer in time.",
                        outcomeUnknown: sent),
                    UnansweredCall.NetworkError => TokenEndpointResponse.Failure(TokenEndpointFailureKind.NetworkError, null, null,
                        $"{provider.DisplayName} could not be reached ({ProviderCallFailure.NetworkErrorOf(ex)}).", outcomeUnknown: sent),
                };
            }

            using (response)
            {
                var (body, failure) = await ProviderResponseBody.ReadAsync(provider, response, cancellationToken).ConfigureAwait(false);
                return failure ?? TokenEndpointResponseReader.Read(provider.DisplayName, response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                    RetryAfterHeader.Read(response), body!, provider.ResponseLimits);
            }
        }
    }
}

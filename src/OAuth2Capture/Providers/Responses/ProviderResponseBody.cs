using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Providers.Resilience;

namespace OAuth2Capture.Providers.Responses;

/// <summary>
/// The one way a provider's answer body is read (token, user-info and introspection answers): within the provider's
/// bounds, with a failure that names the provider and the key instead of an exception. Its failures are
/// <see cref="TokenEndpointResponse"/> values, so the provider's failure classifier decides what they mean.
/// </summary>
internal static class ProviderResponseBody
{
    /// <summary>Reads the body as text.</summary>
    /// <param name="provider">The provider (its name and bounds).</param>
    /// <param name="response">The answer, from the provider's client with <see cref="HttpCompletionOption.ResponseHeadersRead"/>.</param>
    /// <param name="cancellationToken">The caller's token; its cancellation is rethrown.</param>
    /// <returns>The body, or the failure when it could not be read.</returns>
    public static async Task<(string? Body, TokenEndpointResponse? Failure)> ReadAsync(OAuthProvider provider, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        try
        {
            return (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (ProviderResponseLimitException ex) when (ex.Limit == ProviderResponseLimit.Size)
        {
            return (null, TokenEndpointResponse.Failure(TokenEndpointFailureKind.OversizedResponse, response.StatusCode, "response_too_large",
                provider.ResponseLimits.TooLarge(provider.DisplayName, status), retryAfter: RetryAfterHeader.Read(response)));
        }
        catch (ProviderResponseLimitException)
        {
            return (null, TokenEndpointResponse.Failure(TokenEndpointFailureKind.Timeout, response.StatusCode, null,
                provider.ResponseLimits.TooSlow(provider.DisplayName, status), retryAfter: RetryAfterHeader.Read(response),
                outcomeUnknown: response.IsSuccessStatusCode));
        }
        catch (HttpRequestException ex)
        {
            return (null, TokenEndpointResponse.Failure(TokenEndpointFailureKind.NetworkError, response.StatusCode, null,
                $"{provider.DisplayName} answered HTTP {status} but the body could not be read ({ex.HttpRequestError}).",
                // A success whose body was lost may have carried a rotated refresh token we will never see.
                outcomeUnknown: response.IsSuccessStatusCode));
        }
    }

    /// <summary>The failure for JSON nested deeper than the provider's bound.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="response">The answer.</param>
    /// <returns>The failure.</returns>
    public static TokenEndpointResponse TooDeep(OAuthProvider provider, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(response);
        return TokenEndpointResponse.Failure(TokenEndpointFailureKind.OversizedResponse, response.StatusCode, "response_too_deep",
            provider.ResponseLimits.TooDeep(provider.DisplayName, (int)response.StatusCode), retryAfter: RetryAfterHeader.Read(response));
    }
}

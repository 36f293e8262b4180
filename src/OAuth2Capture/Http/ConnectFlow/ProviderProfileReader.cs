using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Providers.Responses;
using OAuth2Capture.Storage.Configurations;

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>Asks the provider who the connected account is, and reads its id and display name with the descriptor's JSON paths.</summary>
internal sealed class ProviderProfileReader(IHttpClientFactory httpClientFactory, TimeProvider time)
{
    public async Task<ProviderProfile> ReadAsync(OAuthProvider provider, string accessToken, CancellationToken cancellationToken)
    {
        var endpoint = provider.Descriptor.UserInformationEndpoint;
        if (string.IsNullOrEmpty(endpoint))
        {
            throw Failure(provider, $"{provider.DisplayName} has no user-info endpoint, so the connected account cannot be identified. Set OAuth2Capture:Providers:{provider.Name}:UserInformationEndpoint.", 500, OAuth2CaptureErrorCodes.ConfigurationError);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await httpClientFactory.CreateClient(provider.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OAuth2Capture.Providers.Resilience.ProviderCallFailure.IsUnanswered(ex, cancellationToken))
        {
            throw Failure(provider, $"{provider.DisplayName} could not be reached to identify the account.", 503, OAuth2CaptureErrorCodes.ProviderUnavailable);
        }

        using (response)
        {
            var (body, unreadable) = await ProviderResponseBody.ReadAsync(provider, response, cancellationToken).ConfigureAwait(false);
            if (unreadable is not null)
            {
                throw Unreadable(provider, unreadable);
            }

            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw status >= 500 || status == 429
                    ? Failure(provider, $"{provider.DisplayName} answered HTTP {status} when asked who the account is.", 503, OAuth2CaptureErrorCodes.ProviderUnavailable)
                    : Failure(provider, $"{provider.DisplayName} refused to say who the account is (HTTP {status}).", 502, OAuth2CaptureErrorCodes.CodeExchangeFailed);
            }

            try
            {
                using var document = ProviderJson.Parse(body!, provider.ResponseLimits.MaxJsonDepth, out var tooDeep);
                if (tooDeep)
                {
                    throw Unreadable(provider, ProviderResponseBody.TooDeep(provider, response));
                }

                var id = Read(document!.RootElement, provider.Descriptor.UserIdJsonPath);
                if (string.IsNullOrEmpty(id))
                {
                    throw Failure(provider, $"{provider.DisplayName}'s user-info answer has no '{provider.Descriptor.UserIdJsonPath}'.", 502, OAuth2CaptureErrorCodes.CodeExchangeFailed);
                }

                if (id.Length > OAuthTokenConfiguration.MaxProviderUserIdLength)
                {
                    // An id is identity: cutting it could merge two accounts, so it is refused, and nothing is stored.
                    throw Failure(provider, string.Create(CultureInfo.InvariantCulture,
                        $"{provider.DisplayName} identified the account with an id of {id.Length} characters; OAuth2Capture stores account ids of up to {OAuthTokenConfiguration.MaxProviderUserIdLength} characters (the OpenID Connect limit)."),
                        502, OAuth2CaptureErrorCodes.CodeExchangeFailed);
                }

                return new ProviderProfile(id, Read(document.RootElement, provider.Descriptor.DisplayNameJsonPath), body!);
            }
            catch (JsonException)
            {
                throw Failure(provider, $"{provider.DisplayName} answered the user-info request with malformed JSON.", 502, OAuth2CaptureErrorCodes.CodeExchangeFailed);
            }
        }
    }

    /// <summary>Reads a dotted path (<c>data.id</c>); numbers are returned in invariant form.</summary>
    internal static string? Read(JsonElement root, string path)
    {
        var current = root;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return null;
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number => current.TryGetInt64(out var number) ? number.ToString(CultureInfo.InvariantCulture) : current.GetRawText(),
            _ => null,
        };
    }

    /// <summary>An answer past the provider's bounds: the provider's failure classifier says whether it is passing (503) or not (502).</summary>
    private ConnectFlowException Unreadable(OAuthProvider provider, TokenEndpointResponse failure)
        => provider.Descriptor.FailureClassifier.Classify(failure, new(time.GetUtcNow())).Status == TokenStatus.TemporarilyUnavailable
            ? Failure(provider, $"Asked who the account is: {failure.ErrorDescription}", 503, OAuth2CaptureErrorCodes.ProviderUnavailable)
            : Failure(provider, $"Asked who the account is: {failure.ErrorDescription}", 502, OAuth2CaptureErrorCodes.CodeExchangeFailed);

    private static ConnectFlowException Failure(OAuthProvider provider, string detail, int status, string code)
        => new(new OAuth2CaptureError(status, code, $"Could not connect {provider.DisplayName}", detail,
            status == 503 ? "Try again in a few minutes." : "Try again; if it keeps failing, contact the site's operators.")
        {
            Provider = provider.Name,
            ProviderDisplayName = provider.DisplayName,
        });
}

/// <summary>Who the connected account is.</summary>
internal sealed record ProviderProfile(string Id, string? DisplayName, string Json);

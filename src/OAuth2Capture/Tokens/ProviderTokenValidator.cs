using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Providers.Responses;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Asks a provider whether a stored access token still works: RFC 7662 introspection where the provider has it, else a
/// user-info probe (2xx = active, 401/403 = inactive). Verdicts are cached per token value for a short while.
/// </summary>
internal sealed class ProviderTokenValidator(
    TokenSecrets secrets,
    IHttpClientFactory httpClientFactory,
    IMemoryCache cache,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options)
{
    /// <param name="provider">The connection's provider.</param>
    /// <param name="row">The connection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="fresh">Ask the provider even when a recent verdict is cached (an API has just rejected the token).</param>
    public async Task<TokenValidation> ValidateAsync(OAuthProvider provider, OAuthToken row, CancellationToken cancellationToken, bool fresh = false)
    {
        // The concurrency token changes with every write, so a refreshed or reconnected row is never judged by a stale verdict.
        var key = (typeof(ProviderTokenValidator), row.Id, row.ConcurrencyToken);
        if (!fresh && cache.TryGetValue(key, out TokenValidation? cached) && cached is not null)
        {
            return cached;
        }

        string accessToken;
        try
        {
            accessToken = secrets.ReadAccessToken(row);
        }
        catch (UnreadableSecretsException)
        {
            return new TokenValidation(row.Id, TokenValidationState.Unknown, time.GetUtcNow(), "none",
                $"The stored {provider.DisplayName} token cannot be decrypted by this instance, so {provider.DisplayName} was not asked.");
        }

        var client = httpClientFactory.CreateClient(provider.HttpClientName);
        var verdict = provider.Descriptor.IntrospectionEndpoint is { } introspection
            ? await IntrospectAsync(provider, client, introspection, row.Id, accessToken, cancellationToken).ConfigureAwait(false)
            : provider.Descriptor.UserInformationEndpoint is { } userInfo
                ? await ProbeAsync(provider, client, userInfo, row.Id, accessToken, cancellationToken).ConfigureAwait(false)
                : new TokenValidation(row.Id, TokenValidationState.Unknown, time.GetUtcNow(), "none", $"{provider.DisplayName} has no introspection or user-info endpoint.");

        if (verdict.State != TokenValidationState.Unknown)
        {
            cache.Set(key, verdict, options.CurrentValue.ValidationCacheDuration);
        }

        return verdict;
    }

    private async Task<TokenValidation> IntrospectAsync(OAuthProvider provider, HttpClient client, string endpoint, Guid id, string accessToken, CancellationToken cancellationToken)
    {
        using var request = TokenEndpointClient.CreateFormPost(provider, endpoint, [new("token", accessToken), new("token_type_hint", "access_token")]);
        var (status, body, failure) = await SendAsync(provider, client, request, readBody: true, cancellationToken).ConfigureAwait(false);
        if (failure is not null || status != HttpStatusCode.OK)
        {
            return new TokenValidation(id, TokenValidationState.Unknown, time.GetUtcNow(), "introspection", failure ?? $"{provider.DisplayName} introspection answered HTTP {(int)status}.");
        }

        try
        {
            using var document = ProviderJson.Parse(body, provider.ResponseLimits.MaxJsonDepth, out var tooDeep);
            if (document is null || tooDeep)
            {
                return new TokenValidation(id, TokenValidationState.Unknown, time.GetUtcNow(), "introspection", provider.ResponseLimits.TooDeep(provider.DisplayName, (int)status));
            }

            var active = document.RootElement.TryGetProperty("active", out var value) && value.ValueKind == JsonValueKind.True;
            return new TokenValidation(id, active ? TokenValidationState.Active : TokenValidationState.Inactive, time.GetUtcNow(), "introspection");
        }
        catch (JsonException)
        {
            return new TokenValidation(id, TokenValidationState.Unknown, time.GetUtcNow(), "introspection", $"{provider.DisplayName} introspection answered malformed JSON.");
        }
    }

    private async Task<TokenValidation> ProbeAsync(OAuthProvider provider, HttpClient client, string endpoint, Guid id, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var (status, _, failure) = await SendAsync(provider, client, request, readBody: false, cancellationToken).ConfigureAwait(false);
        var state = failure is not null ? TokenValidationState.Unknown : status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => TokenValidationState.Inactive,
            _ when (int)status is >= 200 and < 300 => TokenValidationState.Active,
            _ => TokenValidationState.Unknown,
        };
        return new TokenValidation(id, state, time.GetUtcNow(), "userinfo",
            state == TokenValidationState.Unknown ? failure ?? $"{provider.DisplayName} user-info answered HTTP {(int)status}." : null);
    }

    /// <summary>Sends the request; the body, when read, is read within the provider's bounds (a probe needs only the status).</summary>
    private static async Task<(HttpStatusCode Status, string Body, string? Failure)> SendAsync(OAuthProvider provider, HttpClient client, HttpRequestMessage request, bool readBody, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!readBody)
            {
                return (response.StatusCode, string.Empty, null);
            }

            var (body, failure) = await ProviderResponseBody.ReadAsync(provider, response, cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, body ?? string.Empty, failure?.ErrorDescription);
        }
        catch (Exception ex) when (OAuth2Capture.Providers.Resilience.ProviderCallFailure.IsUnanswered(ex, cancellationToken))
        {
            return (0, string.Empty, $"{provider.DisplayName} could not be asked ({ex.GetType().Name}).");
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Providers.Resilience;

namespace OAuth2Capture.Providers.Revocation;

/// <summary>
/// Revokes a connection's grant the way its provider wants (<see cref="OAuthProviderDescriptor.Revocation"/>). Provider
/// failures, network errors and timeouts become <see cref="RevocationStatus.Failed"/>; nothing is thrown for them.
/// </summary>
internal sealed class ProviderTokenRevoker
{
    /// <summary>The placeholder in GitHub's revocation endpoint replaced by the client id.</summary>
    internal const string ClientIdPlaceholder = "{client_id}";

    private const string FallbackUserAgent = "OAuth2Capture";

    /// <summary>Revokes the grant behind the given tokens.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="client">The provider's HTTP client.</param>
    /// <param name="accessToken">The current access token.</param>
    /// <param name="refreshToken">The current refresh token, if any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "A DI service, so the HTTP surface can depend on it and tests can replace it.")]
    public Task<RevocationOutcome> RevokeAsync(OAuthProvider provider, HttpClient client, string accessToken, string? refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(accessToken);
        var endpoint = provider.Descriptor.RevocationEndpoint;
        if (provider.Descriptor.Revocation == RevocationMethod.None || string.IsNullOrEmpty(endpoint))
        {
            return Task.FromResult(RevocationOutcome.NotSupported(provider.DisplayName));
        }

        return provider.Descriptor.Revocation switch
        {
            RevocationMethod.Rfc7009 => RevokeRfc7009Async(provider, client, endpoint, accessToken, refreshToken, cancellationToken),
            RevocationMethod.GitHubApplicationGrant => SendAsync(provider, client, CreateGitHubGrantDeletion(provider, endpoint, accessToken), cancellationToken),
            RevocationMethod.FacebookPermissions => SendAsync(provider, client, CreateFacebookPermissionsDeletion(provider, endpoint, accessToken), cancellationToken),
            _ => Task.FromResult(RevocationOutcome.NotSupported(provider.DisplayName)),
        };
    }

    /// <summary>
    /// <see href="https://www.rfc-editor.org/rfc/rfc7009#section-2.1">RFC 7009 §2.1</see>: the refresh token first, since
    /// revoking it should also invalidate the access tokens of the same grant; the access token only when there is no
    /// refresh token or its revocation failed (Google, for one, answers 400 for a token already revoked with its grant).
    /// </summary>
    private static async Task<RevocationOutcome> RevokeRfc7009Async(OAuthProvider provider, HttpClient client, string endpoint, string accessToken, string? refreshToken, CancellationToken cancellationToken)
    {
        RevocationOutcome? refreshOutcome = null;
        if (!string.IsNullOrEmpty(refreshToken))
        {
            refreshOutcome = await SendAsync(provider, client, CreateRfc7009Request(provider, endpoint, refreshToken, "refresh_token"), cancellationToken).ConfigureAwait(false);
            if (refreshOutcome.IsRevoked)
            {
                return refreshOutcome;
            }
        }

        var accessOutcome = await SendAsync(provider, client, CreateRfc7009Request(provider, endpoint, accessToken, "access_token"), cancellationToken).ConfigureAwait(false);
        if (accessOutcome.IsRevoked || refreshOutcome is null)
        {
            return accessOutcome;
        }

        return RevocationOutcome.Failed($"{refreshOutcome.Description} (refresh token); {accessOutcome.Description} (access token)", accessOutcome.HttpStatus);
    }

    private static HttpRequestMessage CreateRfc7009Request(OAuthProvider provider, string endpoint, string token, string hint)
        => TokenEndpointClient.CreateFormPost(provider, endpoint, [new("token", token), new("token_type_hint", hint)]);

    /// <summary>
    /// <see href="https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization">GitHub: delete an app authorization</see>:
    /// <c>DELETE /applications/{client_id}/grant</c>, Basic client authentication, the access token in a JSON body.
    /// </summary>
    private static HttpRequestMessage CreateGitHubGrantDeletion(OAuthProvider provider, string endpoint, string accessToken)
    {
        var uri = endpoint.Replace(ClientIdPlaceholder, Uri.EscapeDataString(provider.ClientId), StringComparison.Ordinal);
        var request = new HttpRequestMessage(HttpMethod.Delete, uri)
        {
            Content = JsonContent.Create(new Dictionary<string, string>(StringComparer.Ordinal) { ["access_token"] = accessToken }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.Authorization = TokenEndpointClient.CreateBasicHeader(provider.ClientId, provider.ClientSecret);
        return request;
    }

    /// <summary>
    /// <see href="https://developers.facebook.com/docs/graph-api/reference/user/permissions/">Meta: user permissions</see>:
    /// <c>DELETE /me/permissions?access_token=…</c>, with <c>appsecret_proof</c> so apps that require it work too
    /// (<see href="https://developers.facebook.com/docs/graph-api/securing-requests/">Meta: securing requests</see>).
    /// </summary>
    private static HttpRequestMessage CreateFacebookPermissionsDeletion(OAuthProvider provider, string endpoint, string accessToken)
    {
        var proof = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(provider.ClientSecret), Encoding.UTF8.GetBytes(accessToken)));
        var uri = QueryHelpers.AddQueryString(endpoint, new KeyValuePair<string, string?>[]
        {
            new("access_token", accessToken),
            new("appsecret_proof", proof),
        });
        var request = new HttpRequestMessage(HttpMethod.Delete, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private static async Task<RevocationOutcome> SendAsync(OAuthProvider provider, HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            // GitHub's REST API rejects requests without a User-Agent; the provider's client normally sets one. Reddit's
            // required form "<platform>:<app id>:<version> (by /u/<user>)" is not a valid RFC 9110 product token, so it
            // is added without validation (ParseAdd would throw).
            if (!client.DefaultRequestHeaders.Contains("User-Agent"))
            {
                request.Headers.TryAddWithoutValidation("User-Agent", provider.UserAgent ?? FallbackUserAgent);
            }

            try
            {
                // Only the status matters (RFC 7009 §2.2): the body is never read, so no answer's size or pace can hold the disconnect.
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return RevocationOutcome.Revoked(response.StatusCode);
                }

                var how = response.StatusCode == HttpStatusCode.ServiceUnavailable || response.StatusCode == HttpStatusCode.TooManyRequests
                    ? "; try again later"
                    : string.Empty;
                return RevocationOutcome.Failed($"{provider.DisplayName} refused the revocation: HTTP {(int)response.StatusCode}{how}.", response.StatusCode);
            }
            catch (Exception ex) when (ProviderCallFailure.TryClassify(ex, cancellationToken, out var how, out _))
            {
                return RevocationOutcome.Failed(how switch
                {
                    UnansweredCall.CircuitOpen => $"{provider.DisplayName} revocation was not attempted: calls are paused after repeated failures (circuit open).",
                    UnansweredCall.Timeout => $"{provider.DisplayName} did not answer the revocation in time.",
                    UnansweredCall.NetworkError => $"{provider.DisplayName} could not be reached for the revocation ({ProviderCallFailure.NetworkErrorOf(ex)}).",
                });
            }
        }
    }
}

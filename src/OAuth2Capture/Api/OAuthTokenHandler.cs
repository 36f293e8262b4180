using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Http;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.ApiAnswers;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Api;

/// <summary>
/// The handler <c>AddOAuth2CaptureToken(provider)</c> adds to an app's HTTP client: attaches the connection's access token,
/// and learns from the API's answer. A 401 is reported once per token (<see cref="ITokenValidityService.ReportRejectedAccessTokenAsync"/>
/// decides whether the connection is dead); a renewed token is sent again once, when the request's content can be
/// replayed. Throws the matching <see cref="OAuthTokenException"/> instead of sending when there is no usable token, when
/// the connection turns out dead, and when the API says a scope is missing.
/// </summary>
internal sealed partial class OAuthTokenHandler(string provider, IHttpContextAccessor requests, IServiceScopeFactory scopeFactory, ILogger<OAuthTokenHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var http = requests.HttpContext;
        var scope = http is null ? scopeFactory.CreateAsyncScope() : (AsyncServiceScope?)null;
        try
        {
            var services = http?.RequestServices ?? scope!.Value.ServiceProvider;
            var tokens = services.GetRequiredService<ITokenValidityService>();
            var (token, ownerId) = await GetTokenAsync(request, http, services, tokens, cancellationToken).ConfigureAwait(false);
            var response = await SendWithAsync(request, token.AccessToken!, cancellationToken).ConfigureAwait(false);
            if (!services.GetRequiredService<IOAuthProviderCatalog>().TryGet(provider, out var configured))
            {
                return response; // unreachable: a usable token means a configured provider
            }

            // What the answer says about the token is the provider's call (RFC 6750 unless its folder says otherwise).
            var answer = await configured.Descriptor.ApiAnswers.ReadAsync(configured, response, cancellationToken).ConfigureAwait(false);
            switch (answer.Verdict)
            {
                case ApiVerdict.TokenRejected:
                    return await RecoverAsync(request, response, token, ownerId, tokens, cancellationToken).ConfigureAwait(false);
                case ApiVerdict.MissingScope:
                    response.Dispose();
                    throw OAuthTokenException.FromResult(
                        ScopeRules.Lacking(configured, token.ConnectionId!.Value, ScopeRules.Missing(token, configured, ScopeRules.Requestable(answer.MissingScopes)), $"The {configured.DisplayName} API answered that a permission is missing. "),
                        ownerId);
                default:
                    return response;
            }
        }
        finally
        {
            if (scope is { } owned)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The usable token, and the owner it was asked for when known (an exception about it says whose connection it is).</summary>
    private async Task<(TokenResult Token, string? OwnerId)> GetTokenAsync(HttpRequestMessage request, HttpContext? http, IServiceProvider services, ITokenValidityService tokens, CancellationToken cancellationToken)
    {
        TokenResult result;
        string? ownerId = null;
        if (request.Options.TryGetValue(OAuth2CaptureHttpRequestMessageExtensions.ConnectionIdKey, out var connectionId))
        {
            result = await tokens.GetValidTokenAsync(connectionId, cancellationToken).ConfigureAwait(false);
            if (result.Status != TokenStatus.NotConnected && !string.IsNullOrEmpty(result.Provider) && !string.Equals(result.Provider, provider, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Connection {connectionId} belongs to '{result.Provider}', but this HTTP client sends '{provider}' tokens (AddOAuth2CaptureToken(\"{provider}\")).");
            }
        }
        else
        {
            ownerId = request.Options.TryGetValue(OAuth2CaptureHttpRequestMessageExtensions.OwnerIdKey, out var named) ? named
                : http is not null ? services.GetRequiredService<IOwnerIdResolver>().GetOwnerId(http.User)
                : null;
            if (ownerId is null)
            {
                throw new InvalidOperationException(
                    $"This '{provider}' API call has no connection to use: {(http is null ? "there is no current HTTP request" : "the current request has no signed-in user")}. " +
                    "Outside a signed-in request (a background job, a hosted service), name the owner on the request: request.SetOAuth2CaptureOwner(userId), or the connection: request.SetOAuth2CaptureConnection(id).");
            }

            result = await tokens.GetValidTokenAsync(ownerId, provider, cancellationToken).ConfigureAwait(false);
        }

        // The owner, when known, tells UseOAuth2Capture() whether the signed-in user can fix it by reconnecting.
        return result.Succeeded ? (result, ownerId) : throw OAuthTokenException.FromResult(result, ownerId);
    }

    private async Task<HttpResponseMessage> RecoverAsync(HttpRequestMessage request, HttpResponseMessage rejected, TokenResult token, string? ownerId, ITokenValidityService tokens, CancellationToken cancellationToken)
    {
        var verdict = await tokens.ReportRejectedAccessTokenAsync(token.ConnectionId!.Value, token.AccessToken!, cancellationToken).ConfigureAwait(false);
        if (!verdict.Succeeded)
        {
            rejected.Dispose();
            throw OAuthTokenException.FromResult(verdict, ownerId);
        }

        if (string.Equals(verdict.AccessToken, token.AccessToken, StringComparison.Ordinal))
        {
            // The provider says the token works (or could not be asked): the 401 has another cause; the app reads it.
            return rejected;
        }

        if (!ReplayableContent.IsReplayable(request.Content))
        {
            Log.NotReplayed(logger, provider, request.Method.Method);
            return rejected;
        }

        rejected.Dispose();
        return await SendWithAsync(request, verdict.AccessToken!, cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, string accessToken, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return base.SendAsync(request, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2204, EventName = "RenewedTokenNotResent", Level = LogLevel.Information,
            Message = "The {Provider} API rejected the access token and it was renewed, but this {Method} request's content cannot be sent twice; its 401 answer is returned and the next request uses the new token.")]
        public static partial void NotReplayed(ILogger logger, string provider, string method);
    }
}

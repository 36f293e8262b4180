using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// Each configured provider's connection state for one user, from one store read and no provider call: what the status
/// feature shows for a request and the Blazor components show for a circuit (where there is no request).
/// </summary>
internal sealed class ConnectionStatusReader(
    IOAuthProviderCatalog catalog,
    ITokenStore store,
    TokenFailureErrorMapper mapper,
    TokenSecrets secrets,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    TimeProvider time,
    OAuth2CaptureEndpointLinks links)
{
    /// <summary>Reads the user's connections; a store outage gives every provider <see cref="OAuthConnectionState.Unknown"/>.</summary>
    /// <param name="ownerId">The user.</param>
    /// <param name="pathBase">The app's path base, for the reconnect URLs.</param>
    /// <param name="returnUrl">Where a reconnect comes back to.</param>
    /// <param name="context">The request, when there is one (messages may depend on it; an outage is logged with its path).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<IReadOnlyList<OAuthProviderStatus>> ReadAsync(string ownerId, PathString pathBase, string returnUrl, HttpContext? context, CancellationToken cancellationToken)
    {
        IReadOnlyList<OAuthToken> rows;
        try
        {
            rows = await store.ListByOwnerAsync(ownerId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, cancellationToken))
        {
            // A page that only shows a banner must not fail because the store is down: every provider is "unknown".
            if (context is not null)
            {
                StoreOutage.Logged(context, exception.GetBaseException().Message, exception);
            }

            return Unknown(pathBase, returnUrl);
        }

        var latest = rows
            .GroupBy(row => row.Provider, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.MaxBy(row => row.UpdatedAt)!, StringComparer.OrdinalIgnoreCase);
        var now = time.GetUtcNow();
        var window = options.CurrentValue.ExpiringSoonWindow;
        return catalog.All
            .OrderBy(provider => provider.Name, StringComparer.Ordinal)
            .Select(provider => Describe(provider, latest.GetValueOrDefault(provider.Name), now, window, pathBase, returnUrl, context))
            .ToList();
    }

    private OAuthProviderStatus Describe(OAuthProvider provider, OAuthToken? row, DateTimeOffset now, TimeSpan window, PathString pathBase, string returnUrl, HttpContext? context)
    {
        var reconnectUrl = links.Connect(pathBase, provider.Name, returnUrl);
        if (row is null)
        {
            return new OAuthProviderStatus
            {
                Provider = provider.Name,
                DisplayName = provider.DisplayName,
                State = OAuthConnectionState.NotConnected,
                ReconnectUrl = reconnectUrl,
            };
        }

        var strategy = provider.Descriptor.RefreshStrategy;
        var reason = ConnectionRules.ReauthReasonAt(row, strategy, now);
        var state = OAuthStatusFeature.StateOf(reason, secrets, row);

        return new OAuthProviderStatus
        {
            Provider = provider.Name,
            DisplayName = provider.DisplayName,
            State = state,
            Reason = reason,
            ConnectionId = row.Id,
            AccountName = row.DisplayName,
            AccessTokenExpiresAt = row.AccessTokenExpiresAt,
            RefreshTokenExpiresAt = row.RefreshTokenExpiresAt,
            ExpiresSoon = ConnectionRules.ExpiresSoon(row, strategy, now, window),
            ReconnectUrl = reconnectUrl,
            Message = state switch
            {
                OAuthConnectionState.ReauthRequired => mapper.GetMessage(context, provider.Name, TokenStatus.ReauthRequired, reason),
                OAuthConnectionState.Unavailable => mapper.GetMessage(context, provider.Name, TokenStatus.ConfigurationError, ReauthReason.None),
                OAuthConnectionState.Active or OAuthConnectionState.NotConnected or OAuthConnectionState.Unknown => null,
            },
        };
    }

    private List<OAuthProviderStatus> Unknown(PathString pathBase, string returnUrl)
        => catalog.All
            .OrderBy(provider => provider.Name, StringComparer.Ordinal)
            .Select(provider => new OAuthProviderStatus
            {
                Provider = provider.Name,
                DisplayName = provider.DisplayName,
                State = OAuthConnectionState.Unknown,
                ReconnectUrl = links.Connect(pathBase, provider.Name, returnUrl),
                Message = OAuthStatusFeature.UnknownMessage,
            })
            .ToList();
}

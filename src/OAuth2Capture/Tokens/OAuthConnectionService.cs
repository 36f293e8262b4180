using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Revocation;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>The default <see cref="IOAuthConnectionService"/>.</summary>
internal sealed partial class OAuthConnectionService(
    ITokenStore store,
    TokenSecrets secrets,
    IOAuthProviderCatalog catalog,
    ProviderTokenRevoker revoker,
    IHttpClientFactory httpClientFactory,
    ILogger<OAuthConnectionService> logger) : IOAuthConnectionService
{
    public async Task<DisconnectResult> DisconnectAsync(string ownerId, Guid connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        var row = await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (row is null || row.OwnerId != ownerId)
        {
            return DisconnectResult.NotFound(connectionId);
        }

        // Delete first: when the store is unavailable nothing has happened yet (not a revoked grant left on a kept row).
        await store.DeleteAsync(row.Id, cancellationToken).ConfigureAwait(false);
        var configured = catalog.TryGet(row.Provider, out var provider);
        var outcome = configured
            ? await RevokeAsync(provider!, row, cancellationToken).ConfigureAwait(false)
            : RevocationOutcome.NotSupported(row.Provider);
        secrets.Forget(row.Id);
        Log.Revoked(logger, row.Provider, row.Id, outcome.Status);
        return DisconnectResult.Disconnected(row.Id, row.Provider, configured ? provider!.DisplayName : row.Provider, outcome);
    }

    private async Task<RevocationOutcome> RevokeAsync(OAuthProvider provider, OAuthToken row, CancellationToken cancellationToken)
    {
        string accessToken;
        string? refreshToken;
        try
        {
            accessToken = secrets.ReadAccessToken(row);
            refreshToken = secrets.ReadRefreshToken(row);
        }
        catch (UnreadableSecretsException)
        {
            // A lost or unshared key ring must not leave the user unable to disconnect: forget the row all the same.
            return RevocationOutcome.Failed($"{provider.DisplayName} was not told: the stored tokens could not be decrypted (check the Data Protection key ring).");
        }

        return await revoker.RevokeAsync(provider, httpClientFactory.CreateClient(provider.HttpClientName), accessToken, refreshToken, cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        // Shipped under the HTTP endpoint's id (1xxx range); operators alert on it, so it keeps the id now that code calls it too.
        [LoggerMessage(EventId = 1010, EventName = "ConnectionRevoked", Level = LogLevel.Information, Message = "Deleted the {Provider} connection {ConnectionId}; revocation at the provider: {Outcome}.")]
        public static partial void Revoked(ILogger logger, string provider, Guid connectionId, RevocationStatus outcome);
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Decides what a provider's API rejecting a stored access token (a 401 before the token's expiry) means, once per stored
/// token however many callers report it (the single flight is in <see cref="TokenValidityService"/>): renew the token when
/// the connection can be renewed (the refresh's own outcome then decides, as for any refresh), else ask the provider
/// (<see cref="ProviderTokenValidator"/>: introspection or a user-info probe). A confirmed rejection marks the connection
/// <see cref="ReauthReason.Revoked"/>; a probe that contradicts the API, or a provider that cannot be asked, leaves it as it
/// is: the user is never sent to reconnect on an unconfirmed 401.
/// </summary>
internal sealed partial class AccessTokenRejection(
    ITokenStore store,
    TokenSecrets secrets,
    IOAuthProviderCatalog catalog,
    TokenValidityService tokens,
    ProviderTokenValidator validator,
    RefreshOutcomeWriter outcomes,
    ILogger<AccessTokenRejection> logger)
{
    public async Task<TokenResult> DecideAsync(Guid connectionId, string rejectedAccessToken, CancellationToken cancellationToken)
    {
        var row = await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (row is null || !catalog.TryGet(row.Provider, out var provider) || row.Status == ConnectionHealth.ReauthRequired
            || secrets.IsKnownUnreadable(row) || !Holds(row, rejectedAccessToken))
        {
            // Gone, unknown, already decided, or renewed since the rejected call: the ordinary answer says which.
            return await tokens.GetValidTokenAsync(connectionId, cancellationToken).ConfigureAwait(false);
        }

        Log.Rejected(logger, provider.Name, row.Id);
        if (ConnectionRules.CanRenew(row, provider.Descriptor.RefreshStrategy))
        {
            return await tokens.RefreshAheadAsync(row, RefreshAhead.AfterRejection(row.EncryptedAccessToken), cancellationToken).ConfigureAwait(false);
        }

        var verdict = await validator.ValidateAsync(provider, row, cancellationToken, fresh: true).ConfigureAwait(false);
        switch (verdict.State)
        {
            case TokenValidationState.Inactive:
                return await outcomes.MarkReauthAsync(provider, row, ReauthReason.Revoked, "invalid_token",
                    $"The {provider.DisplayName} API rejected the access token, and {provider.DisplayName} confirmed it is no longer valid ({verdict.Method}).",
                    leaseOwner: null, cancellationToken).ConfigureAwait(false);
            case TokenValidationState.Active:
                Log.Contradicted(logger, provider.Name, row.Id, verdict.Method);
                return outcomes.ValidFrom(row);
            default:
                Log.Unconfirmed(logger, provider.Name, row.Id, verdict.Detail);
                return outcomes.ValidFrom(row);
        }
    }

    private bool Holds(OAuthToken row, string accessToken)
    {
        try
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secrets.ReadAccessToken(row)), Encoding.UTF8.GetBytes(accessToken));
        }
        catch (UnreadableSecretsException)
        {
            return false; // the ordinary answer reports it (token_unreadable)
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, EventName = "AccessTokenRejected", Level = LogLevel.Information,
            Message = "The {Provider} API rejected the access token of connection {ConnectionId} before its expiry; renewing it, or asking {Provider} whether it still works.")]
        public static partial void Rejected(ILogger logger, string provider, Guid connectionId);

        [LoggerMessage(EventId = 2202, EventName = "AccessTokenRejectionContradicted", Level = LogLevel.Warning,
            Message = "The {Provider} API rejected the access token of connection {ConnectionId}, but {Provider} says it is still valid ({Method}); the connection is left active. Check the API call (URL, scheme, headers) rather than the user's grant.")]
        public static partial void Contradicted(ILogger logger, string provider, Guid connectionId, string method);

        [LoggerMessage(EventId = 2203, EventName = "AccessTokenRejectionUnconfirmed", Level = LogLevel.Warning,
            Message = "The {Provider} API rejected the access token of connection {ConnectionId}, and {Provider} could not confirm it ({Detail}); the connection is left as it is.")]
        public static partial void Unconfirmed(ILogger logger, string provider, Guid connectionId, string? detail);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// The one answer for a connection whose stored tokens this instance cannot decrypt (<see cref="TokenSecrets"/>), by the
/// operator's choice in <see cref="OAuth2CaptureStoreOptions.UnreadableSecrets"/>: the operator's problem
/// (<see cref="TokenStatus.ConfigurationError"/>, error <see cref="ErrorCode"/>, the row untouched, one log per connection),
/// or, once the operator declared the keys lost, a re-auth verdict (<see cref="ReauthReason.SecretsUnreadable"/>) stored on
/// the row like any other, so notifiers fire once.
/// </summary>
internal sealed partial class UnreadableSecretsAnswer(
    ITokenStore store,
    TokenSecrets secrets,
    RefreshOutcomeWriter outcomes,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    ILogger<UnreadableSecretsAnswer> logger)
{
    /// <summary>The <see cref="TokenResult.Error"/> of a connection this instance cannot decrypt (also the HTTP error code).</summary>
    public const string ErrorCode = "token_unreadable";

    /// <summary>Whether the row is already known unreadable here, so it is answered without a decrypt, a lease or a refresh.</summary>
    /// <remarks>Static: asking must not build this answer, whose store is a context most rows never need.</remarks>
    /// <param name="row">The row.</param>
    /// <param name="secrets">This instance's secrets, which remember the rows they failed to decrypt.</param>
    /// <returns><see langword="true"/> when the row is answered by <see cref="AnswerAsync"/> at once.</returns>
    public static bool IsKnownUnreadable(OAuthToken row, TokenSecrets secrets) => row.Status == ConnectionHealth.Active && secrets.IsKnownUnreadable(row);

    public async Task<TokenResult> AnswerAsync(OAuthProvider provider, OAuthToken row, UnreadableSecretsException? failure, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Store.UnreadableSecrets == UnreadableSecretsPolicy.RequireReauth)
        {
            return await RequireReauthAsync(provider, row.Id, cancellationToken).ConfigureAwait(false);
        }

        if (failure?.TryClaimReport() == true)
        {
            Log.Unreadable(logger, provider.Name, row.Id, failure.InnerException?.Message, failure.InnerException);
        }

        return TokenResult.ConfigurationError(provider.Name, row.Id, ErrorCode,
            $"The stored tokens of this {provider.DisplayName} connection cannot be decrypted by this app instance: its Data Protection " +
            "key ring lacks the key (lost, not shared between instances, or revoked). Share one key ring, or set " +
            "OAuth2Capture:Store:UnreadableSecrets to RequireReauth to ask the users to reconnect.");
    }

    private async Task<TokenResult> RequireReauthAsync(OAuthProvider provider, Guid connectionId, CancellationToken cancellationToken)
    {
        var current = await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return TokenResult.NotConnected(provider.Name);
        }

        if (current.Status == ConnectionHealth.ReauthRequired)
        {
            return RefreshOutcomeWriter.FromStoredReauth(current);
        }

        // Readable now (reconnected meanwhile): the next call reads the new tokens; never mark a row over secrets that work.
        var description = $"The stored {provider.DisplayName} tokens can no longer be decrypted (Data Protection keys lost); the user must reconnect.";
        if (secrets.CanRead(current))
        {
            return TokenResult.TemporarilyUnavailable(provider.Name, connectionId, TimeSpan.Zero, ErrorCode, "The connection changed while it was read; retry.");
        }

        try
        {
            var result = await outcomes.MarkReauthAsync(provider, current, ReauthReason.SecretsUnreadable, error: null, description, leaseOwner: null, cancellationToken).ConfigureAwait(false);
            secrets.Forget(connectionId);
            return result;
        }
        catch (UnreadableSecretsException)
        {
            // The row changed under the verdict and is still unreadable: the next call decides again.
            return TokenResult.TemporarilyUnavailable(provider.Name, connectionId, TimeSpan.Zero, ErrorCode, "The connection changed while it was read; retry.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, EventName = "StoredTokensUnreadable", Level = LogLevel.Error,
            Message = "The stored tokens of the {Provider} connection {ConnectionId} cannot be decrypted by this instance ({Cause}): its Data Protection key ring lacks the key (lost in a redeploy, not shared between instances, or revoked). Requests for it answer token_unreadable and the user is not asked to reconnect. Give every instance the same key ring and application name; if the keys are lost for good, set OAuth2Capture:Store:UnreadableSecrets to RequireReauth. Logged once per connection.")]
        public static partial void Unreadable(ILogger logger, string provider, Guid connectionId, string? cause, Exception? exception);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Diagnostics;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Renews one connection and records the outcome on its row. Runs inside a single flight (see
/// <see cref="RefreshCoordinator"/>) in a scope of its own, so it never depends on the request that started it. Across
/// instances, it first claims the row's refresh lease (see <c>TokenRefresher.Lease.cs</c>): only the holder calls the token
/// endpoint, the others wait for its result and read it from the store.
/// </summary>
internal sealed partial class TokenRefresher(
    ITokenStore store,
    ITokenProtector protector,
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    ILogger<TokenRefresher> logger,
    ReauthNotificationDispatcher notifications)
{
    /// <summary>How many times a refreshed result is merged onto a row that changed meanwhile before giving up.</summary>
    private const int MaxMergeAttempts = 3;

    /// <summary>How many times a failing write of refreshed tokens is tried before they are given up as lost.</summary>
    private const int MaxStoreAttempts = 4;

    public async Task<TokenResult> RefreshAsync(OAuthProvider provider, Guid connectionId, CancellationToken cancellationToken, RefreshAhead? ahead = null)
    {
        // Re-read: a caller that arrives with stale state must see what the previous flight stored, not refresh again.
        var row = await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        var wait = new LeaseWait(options.CurrentValue.RefreshLeaseDuration);
        while (true)
        {
            if (row is null)
            {
                return TokenResult.NotConnected(provider.Name);
            }

            var now = time.GetUtcNow();
            if (await DecideWithoutProviderAsync(provider, row, now, ahead, cancellationToken).ConfigureAwait(false) is { } decided)
            {
                return decided;
            }

            if (!IsLeaseHeld(row, now))
            {
                // An owner left on an expired lease means the previous refresh never recorded its outcome.
                var interruptedHolder = row.RefreshLeaseOwner;
                var leaseOwner = NewLeaseOwner();
                if (await store.TryClaimRefreshAsync(row, leaseOwner, now, now + options.CurrentValue.RefreshLeaseDuration, cancellationToken).ConfigureAwait(false))
                {
                    if (interruptedHolder is not null)
                    {
                        Log.LeaseTakenOver(logger, provider.Name, row.Id, interruptedHolder);
                    }

                    return await RefreshClaimedAsync(provider, row, leaseOwner, interruptedHolder, cancellationToken).ConfigureAwait(false);
                }

                // Another instance claimed first, or the row changed: re-read and decide again.
                wait.Start(now);
            }
            else if (ahead is { WaitForHeldLease: false })
            {
                // The background sweep does not wait: the holder stores the outcome, and the sweep moves on to the next row.
                Log.LeaseHeldElsewhere(logger, provider.Name, row.Id, row.RefreshLeaseOwner, row.RefreshLeaseExpiresAt);
                return HeldElsewhere(provider, row, now);
            }
            else
            {
                wait.Start(now);
                if (wait.IsOver(now))
                {
                    return GiveUpWaiting(provider, row, now);
                }

                Log.WaitingForLease(logger, provider.Name, row.Id, row.RefreshLeaseOwner, row.RefreshLeaseExpiresAt);
                await Task.Delay(wait.NextDelay(now), time, cancellationToken).ConfigureAwait(false);
            }

            row = await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Answers without calling the provider when the row allows it; <see langword="null"/> when a refresh is due.</summary>
    private async Task<TokenResult?> DecideWithoutProviderAsync(OAuthProvider provider, OAuthToken row, DateTimeOffset now, RefreshAhead? ahead, CancellationToken cancellationToken)
    {
        if (row.Status == OAuthConnectionStatus.ReauthRequired)
        {
            return FromStoredReauth(row);
        }

        if (ConnectionRules.IsUsableAsIs(row, now, options.CurrentValue.RefreshSkew, ahead))
        {
            return ValidFrom(row);
        }

        var strategy = provider.Descriptor.RefreshStrategy;
        var renewable = ConnectionRules.CanRenew(row, strategy);
        if (ConnectionRules.GrantEndsAt(row, strategy) is { } end && end <= now)
        {
            // The grant is over by its own stored dates: no call can renew it.
            var (error, description) = !renewable
                ? ("no_refresh_token", $"The {provider.DisplayName} access token expired and {provider.DisplayName} issued no refresh token.")
                : strategy.RequiresRefreshToken
                    ? ("refresh_token_expired", $"The {provider.DisplayName} refresh token expired at {end:u}.")
                    : ("access_token_expired", $"The {provider.DisplayName} access token expired at {end:u}, and {provider.DisplayName} renews only a token that has not expired yet.");
            return await MarkReauthAsync(provider, row, ConnectionRules.EndReason(row, strategy), error, description, leaseOwner: null, cancellationToken).ConfigureAwait(false);
        }

        // Nothing can renew it: use it until it actually expires (above), then the user must reconnect.
        return renewable ? null : ValidFrom(row);
    }

    /// <summary>Calls the token endpoint under the lease and stores the outcome, ending the lease in the same write.</summary>
    private async Task<TokenResult> RefreshClaimedAsync(OAuthProvider provider, OAuthToken row, string leaseOwner, string? interruptedHolder, CancellationToken cancellationToken)
    {
        using var activity = OAuth2CaptureDiagnostics.ActivitySource.StartActivity("OAuth2Capture.Refresh", ActivityKind.Client);
        activity?.SetTag("oauth2capture.provider", provider.Name);
        activity?.SetTag("oauth2capture.connection_id", row.Id);

        string accessToken;
        string? refreshToken;
        try
        {
            accessToken = protector.Unprotect(row.EncryptedAccessToken);
            refreshToken = row.EncryptedRefreshToken is null ? null : protector.Unprotect(row.EncryptedRefreshToken);
        }
        catch
        {
            // Nothing reached the provider: free the lease for whoever can do better (for example an instance with the keys).
            await ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: null).ConfigureAwait(false);
            throw;
        }

        var context = new RefreshContext(provider, httpClientFactory.CreateClient(provider.HttpClientName), accessToken, refreshToken);
        Log.Refreshing(logger, provider.Name, row.Id);
        TokenEndpointResponse response;
        try
        {
            response = await provider.Descriptor.RefreshStrategy.RefreshAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Stopped or failed mid-call: the provider may have rotated the refresh token we will never see. End the lease at
            // once but leave our name on it, so the next refresher can say precisely why the provider rejects the old one.
            Log.RefreshInterrupted(logger, provider.Name, row.Id);
            await ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: time.GetUtcNow()).ConfigureAwait(false);
            throw;
        }

        var result = response.IsSuccess
            ? await StoreRefreshedAsync(provider, row, response, leaseOwner, cancellationToken).ConfigureAwait(false)
            : await RecordFailureAsync(provider, row, accessToken, response, leaseOwner, interruptedHolder, cancellationToken).ConfigureAwait(false);

        activity?.SetTag("oauth2capture.status", result.Status.ToString());
        OAuth2CaptureDiagnostics.RefreshOutcomes.Add(1,
            new("provider", provider.Name), new("status", result.Status.ToString()), new("reason", result.Reason.ToString()));
        return result;
    }

    private async Task<TokenResult> StoreRefreshedAsync(OAuthProvider provider, OAuthToken row, TokenEndpointResponse response, string leaseOwner, CancellationToken cancellationToken)
    {
        var usedRefreshToken = row.EncryptedRefreshToken;
        var accessToken = response.AccessToken!;
        var encryptedAccessToken = protector.Protect(accessToken);
        var encryptedRefreshToken = response.RefreshToken is null ? null : protector.Protect(response.RefreshToken);
        var now = time.GetUtcNow();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                ApplyRefreshed(row, response, encryptedAccessToken, encryptedRefreshToken, now);
                if (await TryStoreAsync(row, cancellationToken).ConfigureAwait(false))
                {
                    Log.Refreshed(logger, provider.Name, row.Id, response.RefreshToken is not null);
                    return TokenResult.Refreshed(provider.Name, row.Id, accessToken, row.TokenType, row.AccessTokenExpiresAt, row.Scope);
                }

                // The row changed while we refreshed. If it still holds the refresh token we used, nobody stored anything
                // newer, and with rotation ours is now the only live one at the provider: write it onto the current row
                // (even over a re-auth verdict reached with the dead token). Otherwise newer tokens (a reconnect) win.
                var current = await store.FindByIdAsync(row.Id, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return TokenResult.NotConnected(provider.Name);
                }

                if (current.EncryptedRefreshToken != usedRefreshToken || attempt == MaxMergeAttempts)
                {
                    Log.RefreshWriteConflict(logger, provider.Name, row.Id);
                    await ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: null).ConfigureAwait(false);
                    return TokenResult.Refreshed(provider.Name, row.Id, accessToken, response.TokenType ?? row.TokenType, row.AccessTokenExpiresAt, response.Scope ?? row.Scope);
                }

                row = current;
            }
        }
        catch (Exception exception)
        {
            // The provider answered (and may have rotated the refresh token) but the database did not take the result.
            // The access token still works, so the caller gets it; the rotated refresh token is lost, and the lease keeps our
            // name so the eventual invalid_grant is reported as RotatedRefreshTokenLost rather than a revocation.
            Log.RefreshedButNotStored(logger, provider.Name, row.Id, response.RefreshToken is not null, exception);
            await ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: time.GetUtcNow()).ConfigureAwait(false);
            if (exception is OperationCanceledException)
            {
                throw;
            }

            return TokenResult.Refreshed(provider.Name, row.Id, accessToken, response.TokenType ?? row.TokenType,
                response.ExpiresIn is { } expiresIn ? now + expiresIn : null, response.Scope ?? row.Scope);
        }
    }

    /// <summary>
    /// Writes the refreshed row, retrying a failing write a few times: after a rotation these tokens exist nowhere else,
    /// and a busy database (SQLite shared by several processes, a PostgreSQL fail-over) often recovers within a second.
    /// </summary>
    private async Task<bool> TryStoreAsync(OAuthToken row, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException && attempt < MaxStoreAttempts)
            {
                Log.StoreRefreshedRetry(logger, row.Id, attempt, exception);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void ApplyRefreshed(OAuthToken row, TokenEndpointResponse response, string encryptedAccessToken, string? encryptedRefreshToken, DateTimeOffset now)
    {
        row.EncryptedAccessToken = encryptedAccessToken;
        if (encryptedRefreshToken is not null)
        {
            // Rotation: the old refresh token is dead at the provider from now on; store the new one in the same write.
            row.EncryptedRefreshToken = encryptedRefreshToken;
            row.RefreshTokenExpiresAt = response.RefreshTokenExpiresIn is { } refreshLifetime ? now + refreshLifetime : row.RefreshTokenExpiresAt;
        }
        else if (response.RefreshTokenExpiresIn is { } lifetime)
        {
            row.RefreshTokenExpiresAt = now + lifetime;
        }

        row.AccessTokenExpiresAt = response.ExpiresIn is { } expiresIn ? now + expiresIn : null;
        row.TokenType = response.TokenType ?? row.TokenType;
        row.Scope = response.Scope ?? row.Scope;
        row.LastRefreshedAt = now;
        row.UpdatedAt = now;
        row.LastError = null;
        row.LastErrorAt = null;
        row.ConsecutiveFailures = 0;
        row.FailingSince = null;
        row.Status = OAuthConnectionStatus.Active;
        row.ReauthReason = ReauthReason.None;
        ClearLease(row);
    }

    private async Task<TokenResult> RecordFailureAsync(OAuthProvider provider, OAuthToken row, string currentAccessToken, TokenEndpointResponse response, string leaseOwner, string? interruptedHolder, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (status, reason) = provider.Descriptor.FailureClassifier.Classify(response, new(now, row.RefreshTokenExpiresAt, EarlierRefreshInterrupted: interruptedHolder is not null));
        var description = Describe(provider, response);
        switch (status)
        {
            case TokenStatus.ReauthRequired:
                if (reason == ReauthReason.RotatedRefreshTokenLost)
                {
                    description = $"{description} An earlier refresh of this connection ({interruptedHolder}) was interrupted after it may have reached " +
                        $"{provider.DisplayName}; {provider.DisplayName} most likely rotated the refresh token then, and the new one was never stored.";
                }

                return await MarkReauthAsync(provider, row, reason, response.Error, description, leaseOwner, cancellationToken).ConfigureAwait(false);

            case TokenStatus.ConfigurationError:
                Log.ConfigurationRejected(logger, provider.Name, row.Id, response.Error, (int?)response.HttpStatus, description);
                await RecordErrorAsync(row, description, leaseOwner, keepTrail: false, cancellationToken).ConfigureAwait(false);
                return ConnectionRules.IsExpired(row, now)
                    ? TokenResult.ConfigurationError(provider.Name, row.Id, response.Error, description)
                    : TokenResult.Valid(row.Provider, row.Id, currentAccessToken, row.TokenType, row.AccessTokenExpiresAt, row.Scope);

            default:
                Log.TemporarilyUnavailable(logger, provider.Name, row.Id, response.FailureKind, (int?)response.HttpStatus, response.RetryAfter);

                // No HTTP answer (a timeout, a dropped connection): the provider may have processed the request and rotated
                // the refresh token. End the lease but leave our name on it, as an interrupted refresh does.
                await RecordErrorAsync(row, description, leaseOwner, keepTrail: response.HttpStatus is null, cancellationToken).ConfigureAwait(false);

                // Refreshing ahead of expiry failed for a passing reason: the current token still works.
                return ConnectionRules.IsExpired(row, now)
                    ? TokenResult.TemporarilyUnavailable(provider.Name, row.Id, response.RetryAfter, response.Error, description)
                    : TokenResult.Valid(row.Provider, row.Id, currentAccessToken, row.TokenType, row.AccessTokenExpiresAt, row.Scope);
        }
    }

    /// <summary>
    /// Records that only the user can fix the connection. <paramref name="leaseOwner"/> is the lease this refresher holds,
    /// ended by the same write, or <see langword="null"/> when it holds none.
    /// </summary>
    private async Task<TokenResult> MarkReauthAsync(OAuthProvider provider, OAuthToken row, ReauthReason reason, string? error, string description, string? leaseOwner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var verdictOn = row.EncryptedRefreshToken;
        for (var attempt = 1; ; attempt++)
        {
            row.Status = OAuthConnectionStatus.ReauthRequired;
            row.ReauthReason = reason;
            row.LastError = description;
            row.LastErrorAt = now;
            row.UpdatedAt = now;
            if (leaseOwner is not null)
            {
                ClearLease(row);
            }

            if (await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false))
            {
                // Only the writer whose conditional update flipped the row reports the transition, on any instance.
                await notifications.ReauthRequiredAsync(provider, row, cancellationToken).ConfigureAwait(false);
                break;
            }

            // The row changed while we refreshed: typically another instance rotated the refresh token first, so our
            // invalid_grant is about a token that is no longer current. Trust the stored state, never a spurious re-auth.
            var current = await store.FindByIdAsync(row.Id, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return TokenResult.NotConnected(provider.Name);
            }

            if (current.Status == OAuthConnectionStatus.Active && !ConnectionRules.IsExpired(current, now))
            {
                Log.RefreshLostRaceRecovered(logger, provider.Name, row.Id);
                await ReleaseIfHeldAsync(row.Id, leaseOwner).ConfigureAwait(false);
                return ValidFrom(current);
            }

            if (current.Status == OAuthConnectionStatus.ReauthRequired || current.EncryptedRefreshToken != verdictOn || attempt == MaxMergeAttempts)
            {
                // Someone else decided (or stored other tokens we know nothing about): their state stands.
                await ReleaseIfHeldAsync(row.Id, leaseOwner).ConfigureAwait(false);
                return current.Status == OAuthConnectionStatus.ReauthRequired
                    ? FromStoredReauth(current)
                    : TokenResult.ReauthRequired(provider.Name, row.Id, reason, error, description);
            }

            // Same refresh token, so the verdict holds for the current row too (only unrelated columns changed).
            row = current;
        }

        Log.ReauthRequired(logger, provider.Name, row.Id, reason, error);
        return TokenResult.ReauthRequired(provider.Name, row.Id, reason, error, description);
    }

    private async Task RecordErrorAsync(OAuthToken row, string description, string leaseOwner, bool keepTrail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        row.LastError = description;
        row.LastErrorAt = now;

        // The back-off state lives on the row, written with the error: every instance, and the next start, sees it.
        row.ConsecutiveFailures = row.ConsecutiveFailures < int.MaxValue ? row.ConsecutiveFailures + 1 : int.MaxValue;
        row.FailingSince ??= now;
        ClearLease(row);
        if (keepTrail)
        {
            row.RefreshLeaseOwner = leaseOwner;
            row.RefreshLeaseExpiresAt = now;
        }

        if (!await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false))
        {
            await ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: keepTrail ? now : null).ConfigureAwait(false);
        }
    }

    internal static TokenResult FromStoredReauth(OAuthToken row)
        => TokenResult.ReauthRequired(row.Provider, row.Id, ConnectionRules.RecordedReason(row), null, row.LastError);

    private TokenResult ValidFrom(OAuthToken row)
        => TokenResult.Valid(row.Provider, row.Id, protector.Unprotect(row.EncryptedAccessToken), row.TokenType, row.AccessTokenExpiresAt, row.Scope);

    private static string Describe(OAuthProvider provider, TokenEndpointResponse response)
    {
        var status = response.HttpStatus is { } code ? $"HTTP {(int)code}" : "no HTTP answer";
        return response.Error is null || response.FailureKind != TokenEndpointFailureKind.OAuthError
            ? response.ErrorDescription ?? $"{provider.DisplayName} refresh failed ({response.FailureKind}, {status})."
            : $"{provider.DisplayName} answered {response.Error} ({status}){(response.ErrorDescription is null ? "." : ": " + response.ErrorDescription)}";
    }
}

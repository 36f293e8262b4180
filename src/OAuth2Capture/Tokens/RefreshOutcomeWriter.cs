using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Stores what a refresh came to on the connection's row, ending the refresh lease in the same write: the new tokens
/// (merged onto a row that changed meanwhile when it still holds the refresh token that was used), or the failure (a
/// re-auth verdict, the back-off bookkeeping of a passing failure, an operator's configuration error), and the verdicts
/// reached without the provider (a grant ended by its own dates). Only the writer whose conditional update flipped a row
/// to re-auth reports the transition.
/// </summary>
internal sealed class RefreshOutcomeWriter(
    ITokenStore store,
    ITokenProtector protector,
    TokenSecrets secrets,
    TimeProvider time,
    ILogger<TokenRefresher> logger,
    IReauthTransitionListener notifications,
    RefreshLease lease,
    Diagnostics.ProviderConfigurationRejections rejections)
{
    /// <summary>How many times a refreshed result is merged onto a row that changed meanwhile before giving up.</summary>
    private const int MaxMergeAttempts = 3;

    /// <summary>How many times a failing write of refreshed tokens is tried, unless the store is unavailable (then: while the lease lasts).</summary>
    private const int MaxStoreAttempts = 4;

    private static readonly TimeSpan FirstStoreRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxStoreRetryDelay = TimeSpan.FromSeconds(1);

    public async Task<TokenResult> StoreRefreshedAsync(OAuthProvider provider, OAuthToken row, TokenEndpointResponse response, string leaseOwner, CancellationToken cancellationToken)
    {
        var usedRefreshToken = row.EncryptedRefreshToken;
        var leaseEndsAt = row.RefreshLeaseExpiresAt ?? time.GetUtcNow();
        var accessToken = response.AccessToken!;
        var encryptedAccessToken = protector.Protect(accessToken);
        var encryptedRefreshToken = response.RefreshToken is null ? null : protector.Protect(response.RefreshToken);
        var now = time.GetUtcNow();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                ApplyRefreshed(row, response, encryptedAccessToken, encryptedRefreshToken, now);
                if (await TryStoreAsync(row, leaseEndsAt, cancellationToken).ConfigureAwait(false))
                {
                    RefreshLog.Refreshed(logger, provider.Name, row.Id, response.RefreshToken is not null);
                    rejections.Clear(provider.Name);
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
                    RefreshLog.RefreshWriteConflict(logger, provider.Name, row.Id);
                    await lease.ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: null).ConfigureAwait(false);
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
            RefreshLog.RefreshedButNotStored(logger, provider.Name, row.Id, response.RefreshToken is not null, exception);
            await lease.ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: time.GetUtcNow()).ConfigureAwait(false);
            if (exception is OperationCanceledException)
            {
                throw;
            }

            return TokenResult.Refreshed(provider.Name, row.Id, accessToken, response.TokenType ?? row.TokenType,
                response.ExpiresIn is { } expiresIn ? now + expiresIn : null, response.Scope ?? row.Scope);
        }
    }

    /// <summary>
    /// Writes what a refresh that reached the provider came to, ending our lease, retrying a failing write. New tokens exist
    /// nowhere else after a rotation; a verdict left unwritten leaves our lease behind, and the next refresher would read it
    /// as an interrupted refresh (a later <c>invalid_grant</c> then looks like <see cref="ReauthReason.RotatedRefreshTokenLost"/>).
    /// While the store is unavailable (<see cref="StoreFailure"/>: PostgreSQL restarting or unreachable, SQLite locked) it
    /// keeps trying with a growing delay for as long as our lease lasts, so other refreshers wait for us instead of spending
    /// the refresh token again; any other failure is tried a few times only.
    /// </summary>
    private async Task<bool> TryStoreAsync(OAuthToken row, DateTimeOffset leaseEndsAt, CancellationToken cancellationToken)
    {
        var delay = FirstStoreRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException
                && (attempt < MaxStoreAttempts || (StoreFailure.IsUnavailable(exception, cancellationToken) && time.GetUtcNow() + delay < leaseEndsAt)))
            {
                RefreshLog.StoreRefreshedRetry(logger, row.Id, attempt, exception);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxStoreRetryDelay.Ticks));
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
        row.Status = ConnectionHealth.Active;
        row.ReauthReason = ReauthReason.None;
        RefreshLease.Clear(row);
    }

    public async Task<TokenResult> RecordFailureAsync(OAuthProvider provider, OAuthToken row, string currentAccessToken, TokenEndpointResponse response, string leaseOwner, string? interruptedHolder, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (status, reason) = provider.Descriptor.FailureClassifier.Classify(response, new(now, row.RefreshTokenExpiresAt, EarlierRefreshInterrupted: interruptedHolder is not null));
        var description = Describe(provider, response);
        return status switch
        {
            TokenStatus.ReauthRequired => await MarkReauthAsync(provider, row, reason, response.Error,
                reason == ReauthReason.RotatedRefreshTokenLost
                    ? $"{description} An earlier refresh of this connection ({interruptedHolder}) was interrupted after it may have reached " +
                        $"{provider.DisplayName}; {provider.DisplayName} most likely rotated the refresh token then, and the new one was never stored."
                    : description,
                leaseOwner, cancellationToken).ConfigureAwait(false),
            TokenStatus.ConfigurationError => await RecordConfigurationErrorAsync(provider, row, currentAccessToken, response, description, leaseOwner, now, cancellationToken).ConfigureAwait(false),
            TokenStatus.TemporarilyUnavailable => await RecordPassingFailureAsync(provider, row, currentAccessToken, response, description, leaseOwner, now, cancellationToken).ConfigureAwait(false),
            TokenStatus.Valid or TokenStatus.Refreshed or TokenStatus.NotConnected
                => throw new InvalidOperationException($"The {provider.DisplayName} failure classifier answered {status}, which is not a failure."),
        };
    }

    private async Task<TokenResult> RecordConfigurationErrorAsync(OAuthProvider provider, OAuthToken row, string currentAccessToken, TokenEndpointResponse response,
        string description, string leaseOwner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        RefreshLog.ConfigurationRejected(logger, provider.Name, row.Id, response.Error, (int?)response.HttpStatus, description);
        rejections.Record(provider.Name, response.Error);
        await RecordErrorAsync(row, description, leaseOwner, keepTrail: false, cancellationToken).ConfigureAwait(false);
        return ConnectionRules.IsExpired(row, now)
            ? TokenResult.ConfigurationError(provider.Name, row.Id, response.Error, description)
            : TokenResult.Valid(row.Provider, row.Id, currentAccessToken, row.TokenType, row.AccessTokenExpiresAt, row.Scope);
    }

    private async Task<TokenResult> RecordPassingFailureAsync(OAuthProvider provider, OAuthToken row, string currentAccessToken, TokenEndpointResponse response,
        string description, string leaseOwner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        RefreshLog.TemporarilyUnavailable(logger, provider.Name, row.Id, response.FailureKind, (int?)response.HttpStatus, response.RetryAfter);

        // Sent but unanswered (a timeout, a connection dropped after sending): the provider may have processed the request
        // and rotated the refresh token. End the lease but leave our name on it, as an interrupted refresh does. A call the
        // pipeline refused (open circuit) or that never connected sent nothing: no trail, the old refresh token is intact.
        await RecordErrorAsync(row, description, leaseOwner, keepTrail: response.OutcomeUnknown, cancellationToken).ConfigureAwait(false);

        // Refreshing ahead of expiry failed for a passing reason: the current token still works.
        return ConnectionRules.IsExpired(row, now)
            ? TokenResult.TemporarilyUnavailable(provider.Name, row.Id, response.RetryAfter, response.Error, description)
            : TokenResult.Valid(row.Provider, row.Id, currentAccessToken, row.TokenType, row.AccessTokenExpiresAt, row.Scope);
    }

    /// <summary>
    /// Records that only the user can fix the connection. <paramref name="leaseOwner"/> is the lease this refresher holds,
    /// ended by the same write, or <see langword="null"/> when it holds none.
    /// </summary>
    public async Task<TokenResult> MarkReauthAsync(OAuthProvider provider, OAuthToken row, ReauthReason reason, string? error, string description, string? leaseOwner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var verdictOn = row.EncryptedRefreshToken;
        var leaseEndsAt = row.RefreshLeaseExpiresAt ?? now;
        for (var attempt = 1; ; attempt++)
        {
            row.Status = ConnectionHealth.ReauthRequired;
            row.ReauthReason = reason;
            row.LastError = description;
            row.LastErrorAt = now;
            row.UpdatedAt = now;
            if (leaseOwner is not null)
            {
                RefreshLease.Clear(row);
            }

            var stored = leaseOwner is null
                ? await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false)
                : await TryStoreAsync(row, leaseEndsAt, cancellationToken).ConfigureAwait(false);
            if (stored)
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

            if (current.Status == ConnectionHealth.Active && !ConnectionRules.IsExpired(current, now))
            {
                RefreshLog.RefreshLostRaceRecovered(logger, provider.Name, row.Id);
                await lease.ReleaseIfHeldAsync(row.Id, leaseOwner).ConfigureAwait(false);
                return ValidFrom(current);
            }

            if (current.Status == ConnectionHealth.ReauthRequired || current.EncryptedRefreshToken != verdictOn || attempt == MaxMergeAttempts)
            {
                // Someone else decided (or stored other tokens we know nothing about): their state stands.
                await lease.ReleaseIfHeldAsync(row.Id, leaseOwner).ConfigureAwait(false);
                return current.Status == ConnectionHealth.ReauthRequired
                    ? FromStoredReauth(current)
                    : TokenResult.ReauthRequired(provider.Name, row.Id, reason, error, description);
            }

            // Same refresh token, so the verdict holds for the current row too (only unrelated columns changed).
            row = current;
        }

        RefreshLog.ReauthRequired(logger, provider.Name, row.Id, reason, error);
        return TokenResult.ReauthRequired(provider.Name, row.Id, reason, error, description);
    }

    private async Task RecordErrorAsync(OAuthToken row, string description, string leaseOwner, bool keepTrail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var leaseEndsAt = row.RefreshLeaseExpiresAt ?? now;
        row.LastError = description;
        row.LastErrorAt = now;

        // The back-off state lives on the row, written with the error: every instance, and the next start, sees it.
        row.ConsecutiveFailures = row.ConsecutiveFailures < int.MaxValue ? row.ConsecutiveFailures + 1 : int.MaxValue;
        row.FailingSince ??= now;
        RefreshLease.Clear(row);
        if (keepTrail)
        {
            row.RefreshLeaseOwner = leaseOwner;
            row.RefreshLeaseExpiresAt = now;
        }

        if (!await TryStoreAsync(row, leaseEndsAt, cancellationToken).ConfigureAwait(false))
        {
            await lease.ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: keepTrail ? now : null).ConfigureAwait(false);
        }
    }

    internal static TokenResult FromStoredReauth(OAuthToken row)
        => TokenResult.ReauthRequired(row.Provider, row.Id, ConnectionRules.RecordedReason(row), null, row.LastError);

    public TokenResult ValidFrom(OAuthToken row)
        => TokenResult.Valid(row.Provider, row.Id, secrets.ReadAccessToken(row), row.TokenType, row.AccessTokenExpiresAt, row.Scope);

    private static string Describe(OAuthProvider provider, TokenEndpointResponse response)
    {
        var status = response.HttpStatus is { } code ? $"HTTP {(int)code}" : "no HTTP answer";
        return response.Error is null || response.FailureKind != TokenEndpointFailureKind.OAuthError
            ? response.ErrorDescription ?? $"{provider.DisplayName} refresh failed ({response.FailureKind}, {status})."
            : $"{provider.DisplayName} answered {response.Error} ({status}){(response.ErrorDescription is null ? "." : ": " + response.ErrorDescription)}";
    }
}

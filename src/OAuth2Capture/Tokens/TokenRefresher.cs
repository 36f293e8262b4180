using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Diagnostics;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Renews one connection and records the outcome on its row. Runs inside a single flight (see
/// <see cref="RefreshFlights"/>) in a scope of its own, so it never depends on the request that started it. Across
/// instances, it first claims the row's refresh lease (<see cref="RefreshLease"/>): only the holder calls the token endpoint,
/// the others wait for its result (woken by the store's change feed where there is one, <see cref="ConnectionChangeSignals"/>)
/// and read it from the store. <see cref="RefreshOutcomeWriter"/> stores what the call came to.
/// </summary>
internal sealed class TokenRefresher(
    ITokenStore store,
    TokenSecrets secrets,
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    ILogger<TokenRefresher> logger,
    RefreshLease lease,
    RefreshOutcomeWriter outcomes,
    ConnectionChangeSignals changes)
{
    public async Task<TokenResult> RefreshAsync(OAuthProvider provider, Guid connectionId, CancellationToken cancellationToken, RefreshAhead? ahead = null)
    {
        // Re-read: a caller that arrives with stale state must see what the previous flight stored, not refresh again. A row
        // the sweep's batch claim holds is current already (the claim matched the concurrency token it was read with).
        var claim = ahead?.Claim is { } claimed && claimed.Row.Id == connectionId ? claimed : null;
        var row = claim?.Row ?? await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        var wait = new RefreshLease.Wait(options.CurrentValue.RefreshLeaseDuration);
        ConnectionChangeSignals.Subscription? holderStored = null;
        try
        {
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

                if (claim?.TryTakeOver(row, now) == true)
                {
                    return await RefreshClaimedAsync(provider, row, claim.Owner, claim.InterruptedHolder, ahead, cancellationToken).ConfigureAwait(false);
                }

                if (!RefreshLease.IsHeld(row, now))
                {
                    // An owner left on an expired lease means the previous refresh never recorded its outcome.
                    var interruptedHolder = row.RefreshLeaseOwner;
                    var leaseOwner = RefreshLease.NewOwner();
                    if (await store.TryClaimRefreshAsync(row, leaseOwner, now, RefreshLease.EndsAt(now, options.CurrentValue), cancellationToken).ConfigureAwait(false))
                    {
                        if (interruptedHolder is not null)
                        {
                            RefreshLog.LeaseTakenOver(logger, provider.Name, row.Id, interruptedHolder);
                        }

                        return await RefreshClaimedAsync(provider, row, leaseOwner, interruptedHolder, ahead, cancellationToken).ConfigureAwait(false);
                    }

                    // Another instance claimed first, or the row changed: re-read and decide again.
                    wait.Start(now);
                }
                else if (ahead is { WaitForHeldLease: false })
                {
                    // The background sweep does not wait: the holder stores the outcome, and the sweep moves on to the next row.
                    RefreshLog.LeaseHeldElsewhere(logger, provider.Name, row.Id, row.RefreshLeaseOwner, row.RefreshLeaseExpiresAt);
                    return RefreshLease.HeldElsewhere(provider, row, now);
                }
                else
                {
                    wait.Start(now);
                    if (wait.IsOver(now))
                    {
                        return GiveUpWaiting(provider, row, now);
                    }

                    if (holderStored is null)
                    {
                        // Listen before the next read, so that the holder's write cannot fall between that read and the wait.
                        holderStored = changes.Subscribe(connectionId);
                    }
                    else
                    {
                        // Woken by the store's change feed when the holder stores its outcome; the poll is the fallback.
                        RefreshLog.WaitingForLease(logger, provider.Name, row.Id, row.RefreshLeaseOwner, row.RefreshLeaseExpiresAt);
                        await holderStored.WaitAsync(wait.NextDelay(now, changes.IsLive), time, cancellationToken).ConfigureAwait(false);
                    }
                }

                row = await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            holderStored?.Dispose();
        }
    }

    /// <summary>Answers without calling the provider when the row allows it; <see langword="null"/> when a refresh is due.</summary>
    private async Task<TokenResult?> DecideWithoutProviderAsync(OAuthProvider provider, OAuthToken row, DateTimeOffset now, RefreshAhead? ahead, CancellationToken cancellationToken)
    {
        if (row.Status == ConnectionHealth.ReauthRequired)
        {
            return RefreshOutcomeWriter.FromStoredReauth(row);
        }

        if (ConnectionRules.IsUsableAsIs(row, now, options.CurrentValue.RefreshSkew, ahead))
        {
            return outcomes.ValidFrom(row);
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
            return await outcomes.MarkReauthAsync(provider, row, ConnectionRules.EndReason(row, strategy), error, description, leaseOwner: null, cancellationToken).ConfigureAwait(false);
        }

        // Nothing can renew it: use it until it actually expires (above), then the user must reconnect.
        return renewable ? null : outcomes.ValidFrom(row);
    }

    /// <summary>Calls the token endpoint under the lease and stores the outcome, ending the lease in the same write.</summary>
    private async Task<TokenResult> RefreshClaimedAsync(OAuthProvider provider, OAuthToken row, string leaseOwner, string? interruptedHolder, RefreshAhead? ahead, CancellationToken cancellationToken)
    {
        using var activity = OAuth2CaptureDiagnostics.ActivitySource.StartActivity("OAuth2Capture.Refresh", ActivityKind.Client);
        activity?.SetTag("oauth2capture.provider", provider.Name);
        activity?.SetTag("oauth2capture.connection_id", row.Id);

        string accessToken;
        string? refreshToken;
        try
        {
            accessToken = secrets.ReadAccessToken(row);
            refreshToken = secrets.ReadRefreshToken(row);
        }
        catch
        {
            // Nothing reached the provider: free the lease for whoever can do better (for example an instance with the keys).
            await lease.ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: null).ConfigureAwait(false);
            throw;
        }

        var context = new RefreshContext(provider, httpClientFactory.CreateClient(provider.HttpClientName), accessToken, refreshToken);
        RefreshLog.Refreshing(logger, provider.Name, row.Id);
        TokenEndpointResponse response;
        try
        {
            response = await provider.Descriptor.RefreshStrategy.RefreshAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Stopped or failed mid-call: the provider may have rotated the refresh token we will never see. End the lease at
            // once but leave our name on it, so the next refresher can say precisely why the provider rejects the old one.
            RefreshLog.RefreshInterrupted(logger, provider.Name, row.Id);
            await lease.ReleaseQuietlyAsync(row.Id, leaseOwner, abandonedAt: time.GetUtcNow()).ConfigureAwait(false);
            throw;
        }

        ahead?.ProviderAnswered?.Invoke();
        var result = response.IsSuccess
            ? await outcomes.StoreRefreshedAsync(provider, row, response, leaseOwner, cancellationToken).ConfigureAwait(false)
            : await outcomes.RecordFailureAsync(provider, row, accessToken, response, leaseOwner, interruptedHolder, cancellationToken).ConfigureAwait(false);

        activity?.SetTag("oauth2capture.status", result.Status.ToString());
        OAuth2CaptureDiagnostics.RefreshOutcomes.Add(1,
            new("provider", provider.Name), new("status", result.Status.ToString()), new("reason", result.Reason.ToString()));
        return result;
    }

    /// <summary>
    /// Waited as long as a lease can last and the holder still has not stored a result (its provider call and our clock
    /// disagree, or the row keeps changing). The current access token still works until it expires; after that, retry.
    /// </summary>
    private TokenResult GiveUpWaiting(OAuthProvider provider, OAuthToken row, DateTimeOffset now)
    {
        RefreshLog.LeaseWaitTimedOut(logger, provider.Name, row.Id, row.RefreshLeaseOwner, row.RefreshLeaseExpiresAt);
        if (!ConnectionRules.IsExpired(row, now))
        {
            return outcomes.ValidFrom(row);
        }

        var retryAfter = row.RefreshLeaseExpiresAt is { } until && until > now ? until - now : (TimeSpan?)null;
        return TokenResult.TemporarilyUnavailable(provider.Name, row.Id, retryAfter, "refresh_in_progress",
            $"Another instance is refreshing the {provider.DisplayName} token of this connection and has not finished; retry shortly.");
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Diagnostics;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Background;

/// <summary>
/// Renews access tokens ahead of expiry, keeps idle grants alive, and reports grants about to end without renewal.
/// Every <see cref="OAuth2CaptureBackgroundRefreshOptions.Interval"/> one sweep streams the due connections from the store
/// (soonest first, one page at a time) and refreshes each through <see cref="ITokenValidityService"/>, so the single flight,
/// the failure classification and the re-auth bookkeeping are those of user requests.
/// </summary>
/// <remarks>
/// Several instances may sweep at once, and nothing that decides what a sweep does lives in memory: the back-off (failure
/// count, first failure) and the expiry notice already sent are columns of the row. The sweep claims the refresh leases of
/// its due rows a batch at a time (<see cref="RefreshLease.ClaimBatchAsync"/>: one conditional update for
/// <see cref="ClaimBatchSize"/> rows, each matched with the concurrency token it was read with), and the refresher starts
/// from the claimed row as read, without reading it again; it stores the outcome with the lease cleared. So a refreshed row
/// costs one write, plus its share of the page read and of the batch claim. A row the batch did not get (leased by another
/// refresher, or changed since the page was read) takes the per-row path: the refresher re-reads it and claims it alone,
/// finding it leased (the sweep does not wait: claimed elsewhere) or already fresh, so no row is refreshed twice. A claimed
/// row whose turn comes too late for its lease to outlast the provider call, one answered without the provider, and those
/// still waiting when the sweep stops get their lease released.
/// </remarks>
internal sealed partial class BackgroundTokenRefresher(
    IServiceScopeFactory scopeFactory,
    IOAuthProviderCatalog catalog,
    ExpiryNoticeSender expiryNotices,
    RefreshFlights flights,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    ILogger<BackgroundTokenRefresher> logger) : BackgroundService
{
    // The connections the previous sweep of this process found given up: only for logging the give-up once per process
    // (when it first applies here), never for deciding. Replaced by each sweep, so it holds at most the given-up rows.
    private HashSet<Guid> givenUp = [];

    /// <summary>The most rows one batch claim takes, whatever the concurrency: their leases run while they wait for a slot.</summary>
    private const int MaxClaimBatch = 64;

    private readonly ConcurrentDictionary<string, ProviderGate> gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim sweeping = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var settings = options.CurrentValue.BackgroundRefresh;
        if (!settings.Enabled)
        {
            return;
        }

        BackgroundLog.Started(logger, settings.Interval, settings.Window, settings.MaxConcurrency);
        using var timer = new PeriodicTimer(settings.Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                BackgroundLog.SweepFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Runs one sweep now (also while the timer is off), after any sweep of this instance still running.</summary>
    /// <param name="cancellationToken">Stops the sweep; refreshes already started finish in their single flight.</param>
    /// <returns>What the sweep did.</returns>
    public async Task<BackgroundSweepResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await sweeping.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SweepAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            sweeping.Release();
        }
    }

    private async Task<BackgroundSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.BackgroundRefresh;
        var noticeWindow = settings.ExpiryNoticeWindow ?? options.CurrentValue.ExpiringSoonWindow;
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var tally = new SweepTally();
        var givenUpNow = new HashSet<Guid>();

        var minKeepAlive = settings.KeepAliveAfterByProvider.Values.Append(settings.KeepAliveAfter ?? TimeSpan.MaxValue).Min();
        var query = new TokenSweepQuery
        {
            AccessTokenExpiresBefore = now + settings.Window,
            IdleSince = minKeepAlive == TimeSpan.MaxValue ? null : now - minKeepAlive,
            GrantEndsBefore = now + noticeWindow,
            PageSize = settings.PageSize,
        };

        var capacity = new SweepCapacity(settings.MaxConcurrency);
        var streamScope = scopeFactory.CreateAsyncScope();
        await using (streamScope.ConfigureAwait(false))
        {
            var store = streamScope.ServiceProvider.GetRequiredService<ITokenStore>();
            var batch = new SweepBatch(streamScope.ServiceProvider, ClaimBatchSize(settings));
            var first = true;
            try
            {
                var rows = SweepOrder.StaggerAsync(store.StreamForSweepAsync(query, cancellationToken), settings.PageSize, cancellationToken);
                await foreach (var row in rows.ConfigureAwait(false))
                {
                    tally.Saw();
                    if (!catalog.TryGet(row.Provider, out var provider))
                    {
                        continue;
                    }

                    now = time.GetUtcNow();
                    var ahead = new RefreshAhead(settings.Window, settings.GetKeepAliveAfter(provider.Name));
                    var strategy = provider.Descriptor.RefreshStrategy;
                    if (ConnectionRules.ExpiresSoon(row, strategy, now, noticeWindow))
                    {
                        await expiryNotices.AnnounceAsync(provider, row, ConnectionRules.GrantEndsAt(row, strategy)!.Value, cancellationToken).ConfigureAwait(false);
                    }

                    // Not renewable: only an ended grant is worth a call, which records the re-auth (and notifies once).
                    var due = ConnectionRules.CanRenew(row, strategy) ? ahead.IsDue(row, now) : ConnectionRules.HasEnded(row, strategy, now);
                    if (!due || Skip(row, provider, settings, now, tally, givenUpNow))
                    {
                        continue;
                    }

                    var lagFrom = first ? ahead.DueAt(row) : null;
                    first = false;
                    if (batch.Add(new SweepItem(provider, row, ahead, lagFrom)))
                    {
                        await DispatchAsync(batch, settings, tally, capacity, cancellationToken).ConfigureAwait(false);
                    }
                }

                await DispatchAsync(batch, settings, tally, capacity, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await capacity.WaitForAllAsync().ConfigureAwait(false);
            }

            givenUp = givenUpNow;
            try
            {
                ConnectionCountsSnapshot.Update(await store.CountByProviderAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                BackgroundLog.CountFailed(logger, exception);
            }
        }

        var elapsed = time.GetElapsedTime(started);
        OAuth2CaptureInstruments.SweepDuration.Record(elapsed.TotalSeconds);
        var result = tally.ToResult(elapsed);
        BackgroundLog.SweepCompleted(logger, result.Seen, result.Refreshed, result.Failed, result.ReauthRequired, result.Skipped, elapsed.TotalMilliseconds);
        return result;
    }

    /// <summary>Asks <see cref="SweepBackOff"/>; counts a skip, and logs a give-up once per process.</summary>
    private bool Skip(OAuthToken row, OAuthProvider provider, OAuth2CaptureBackgroundRefreshOptions settings, DateTimeOffset now, SweepTally tally, HashSet<Guid> givenUpNow)
    {
        if (SweepBackOff.SkipAction(row, settings, now, out var failingFor) is not { } action)
        {
            return false;
        }

        if (action == SweepTally.GivenUp)
        {
            givenUpNow.Add(row.Id);
            if (!givenUp.Contains(row.Id))
            {
                BackgroundLog.GaveUp(logger, provider.Name, row.Id, failingFor, row.LastErrorAt!.Value);
            }
        }

        tally.Count(provider, action);
        return true;
    }

    /// <summary>How many due rows one batch claim takes: two rounds of the sweep's refreshes, so a claimed row waits about one
    /// refresh for its slot, and its lease (which must still outlast the provider call when its turn comes) rarely runs short.</summary>
    internal static int ClaimBatchSize(OAuth2CaptureBackgroundRefreshOptions settings)
        => Math.Clamp(2 * settings.MaxConcurrency, 1, Math.Min(settings.PageSize, MaxClaimBatch));

    /// <summary>
    /// Claims the leases of the batch's rows (<see cref="SweepBatch.ClaimAsync"/>) and starts a refresh for each as a slot frees
    /// up, the claimed ones with their claim. If the sweep stops first, the claims of rows not started yet are released.
    /// </summary>
    private async Task DispatchAsync(SweepBatch batch, OAuth2CaptureBackgroundRefreshOptions settings, SweepTally tally, SweepCapacity capacity, CancellationToken cancellationToken)
    {
        var items = await batch.ClaimAsync(flights, time.GetUtcNow(), options.CurrentValue, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                await capacity.Calls.TakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await batch.ReleaseAsync(items.Skip(i)).ConfigureAwait(false);
                throw;
            }

            _ = RefreshOneAsync(items[i], settings, tally, capacity, cancellationToken);
        }
    }

    private async Task RefreshOneAsync(SweepItem item, OAuth2CaptureBackgroundRefreshOptions settings, SweepTally tally, SweepCapacity capacity, CancellationToken cancellationToken)
    {
        var (provider, row, ahead, lagFrom) = item;
        var claim = item.Claim;
        var gate = gates.GetOrAdd(provider.Name, _ => new ProviderGate(settings.MaxConcurrencyPerProvider, settings.RefreshesPerSecondPerProvider));
        SweepSlot? slot = null;
        var scope = scopeFactory.CreateAsyncScope();
        try
        {
            await using (scope.ConfigureAwait(false))
            {
                // Asked for only to give a claim back: resolving it builds a store context, which most rows never use.
                RefreshLease Lease() => scope.ServiceProvider.GetRequiredService<RefreshLease>();
                try
                {
                    await gate.Concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
                    slot = new SweepSlot(capacity, gate.Concurrency);
                    if (gate.Rate is { } rate)
                    {
                        using var token = await rate.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
                    }

                    if (claim is not null && !RefreshLease.OutlastsCall(claim.Row, time.GetUtcNow(), options.CurrentValue))
                    {
                        // Its turn came too late for the batch's lease: give it back, and let the refresher claim it alone.
                        await Lease().ReleaseUntakenAsync(claim).ConfigureAwait(false);
                        claim = null;
                    }

                    // The refresher does not wait for a lease held elsewhere; with a claim, it starts from the claimed row.
                    var service = scope.ServiceProvider.GetRequiredService<TokenValidityService>();
                    var refresh = service.RefreshAheadAsync(row, ahead with { Claim = claim, ProviderAnswered = slot.ProviderAnswered }, cancellationToken);
                    Record(provider, row, await slot.HandOverAtAnswerAsync(refresh).ConfigureAwait(false), lagFrom, tally);
                }
                finally
                {
                    if (claim is { TakenOver: false })
                    {
                        // Answered without the provider (a refresh of it running here, the grant ended), or stopped before.
                        await Lease().ReleaseUntakenAsync(claim).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            tally.Crashed();
            BackgroundLog.RefreshCrashed(logger, exception, provider.Name, row.Id);
        }
        finally
        {
            if (slot is null)
            {
                capacity.Calls.Release();
            }
            else
            {
                slot.Release();
            }
        }
    }

    private void Record(OAuthProvider provider, OAuthToken row, TokenResult result, DateTimeOffset? lagFrom, SweepTally tally)
    {
        var action = SweepTally.ActionFor(result);
        tally.Count(provider, action);
        if (action == SweepTally.Refreshed && lagFrom is { } dueAt)
        {
            var lag = time.GetUtcNow() - dueAt;
            OAuth2CaptureInstruments.SweepLag.Record(lag > TimeSpan.Zero ? lag.TotalSeconds : 0, new KeyValuePair<string, object?>("provider", provider.Name));
        }
        else if (action == SweepTally.Failed && result.Error != UnreadableSecretsAnswer.ErrorCode)
        {
            // Unreadable tokens are told once per connection (event 2101), not once per sweep.
            BackgroundLog.RefreshFailed(logger, provider.Name, row.Id, result.Status, result.Error);
        }
    }

    public override void Dispose()
    {
        foreach (var gate in gates.Values)
        {
            gate.Dispose();
        }

        sweeping.Dispose();
        base.Dispose();
    }
}

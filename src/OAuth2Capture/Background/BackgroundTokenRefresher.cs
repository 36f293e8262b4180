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
/// count, first failure) and the expiry notice already sent are columns of the row. A sweep makes no write of its own
/// before a refresh: the refresher claims the row's refresh lease (one conditional update) and stores the outcome with the
/// lease cleared, two writes per refreshed row. A sweep that finds the lease held by another refresher, or loses the claim
/// to one, does not wait: it counts the row as claimed elsewhere and moves on; the loser of a claim re-reads the row and
/// finds it either leased or already fresh, so no row is refreshed twice.
/// </remarks>
internal sealed partial class BackgroundTokenRefresher(
    IServiceScopeFactory scopeFactory,
    IOAuthProviderCatalog catalog,
    ExpiryNoticeSender expiryNotices,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    ILogger<BackgroundTokenRefresher> logger) : BackgroundService
{
    // The connections the previous sweep of this process found given up: only for logging the give-up once per process
    // (when it first applies here), never for deciding. Replaced by each sweep, so it holds at most the given-up rows.
    private HashSet<Guid> givenUp = [];

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

        using var slots = new SemaphoreSlim(settings.MaxConcurrency, settings.MaxConcurrency);
        var streamScope = scopeFactory.CreateAsyncScope();
        await using (streamScope.ConfigureAwait(false))
        {
            var store = streamScope.ServiceProvider.GetRequiredService<ITokenStore>();
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
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    _ = RefreshOneAsync(provider, row, ahead, settings, lagFrom, tally, slots, cancellationToken);
                }
            }
            finally
            {
                // Wait for the refreshes in flight: every slot back.
                for (var i = 0; i < settings.MaxConcurrency; i++)
                {
                    await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                }
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

    private async Task RefreshOneAsync(OAuthProvider provider, OAuthToken row, RefreshAhead ahead, OAuth2CaptureBackgroundRefreshOptions settings,
        DateTimeOffset? lagFrom, SweepTally tally, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var gate = gates.GetOrAdd(provider.Name, _ => new ProviderGate(settings.MaxConcurrencyPerProvider, settings.RefreshesPerSecondPerProvider));
        try
        {
            await gate.Concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (gate.Rate is { } rate)
                {
                    using var lease = await rate.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
                }

                var scope = scopeFactory.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    // No claim of our own: the refresher's lease is the claim, and it does not wait for a lease held elsewhere.
                    var service = scope.ServiceProvider.GetRequiredService<TokenValidityService>();
                    var result = await service.RefreshAheadAsync(row, ahead, cancellationToken).ConfigureAwait(false);
                    Record(provider, row, result, lagFrom, tally);
                }
            }
            finally
            {
                gate.Concurrency.Release();
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
            slots.Release();
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

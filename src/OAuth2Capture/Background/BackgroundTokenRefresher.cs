using System.Collections.Concurrent;
using System.Threading.RateLimiting;
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
    ReauthNotificationDispatcher notifications,
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

        Log.Started(logger, settings.Interval, settings.Window, settings.MaxConcurrency);
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
                Log.SweepFailed(logger, exception);
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
                    Interlocked.Increment(ref tally.Seen);
                    if (!catalog.TryGet(row.Provider, out var provider))
                    {
                        continue;
                    }

                    now = time.GetUtcNow();
                    var ahead = new RefreshAhead(settings.Window, settings.GetKeepAliveAfter(provider.Name));
                    var strategy = provider.Descriptor.RefreshStrategy;
                    if (ConnectionRules.ExpiresSoon(row, strategy, now, noticeWindow))
                    {
                        await AnnounceExpiryAsync(provider, row, ConnectionRules.GrantEndsAt(row, strategy)!.Value, cancellationToken).ConfigureAwait(false);
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
                Log.CountFailed(logger, exception);
            }
        }

        var elapsed = time.GetElapsedTime(started);
        OAuth2CaptureInstruments.SweepDuration.Record(elapsed.TotalSeconds);
        var result = tally.ToResult(elapsed);
        Log.SweepCompleted(logger, result.Seen, result.Refreshed, result.Failed, result.ReauthRequired, result.Skipped, elapsed.TotalMilliseconds);
        return result;
    }

    /// <summary>
    /// Whether a due connection is left alone this time: its refresh lease is held (by another instance, or a user request),
    /// it is cooling down, or the sweep has given up on it. Decided from the row alone, so every instance and every restart
    /// agrees.
    /// </summary>
    private bool Skip(OAuthToken row, OAuthProvider provider, OAuth2CaptureBackgroundRefreshOptions settings, DateTimeOffset now, SweepTally tally, HashSet<Guid> givenUpNow)
    {
        if (row.RefreshLeaseExpiresAt is { } leasedUntil && leasedUntil > now)
        {
            Count(tally, provider, "claimed_elsewhere");
            return true;
        }

        if (row.LastErrorAt is not { } failedAt)
        {
            // Any success (a user request, a reconnect, another instance) clears LastErrorAt and the failure count.
            return false;
        }

        var failingFor = failedAt - (row.FailingSince ?? failedAt);
        if (failingFor >= settings.GiveUpAfter)
        {
            givenUpNow.Add(row.Id);
            if (!givenUp.Contains(row.Id))
            {
                Log.GaveUp(logger, provider.Name, row.Id, failingFor, failedAt);
            }

            Count(tally, provider, "given_up");
            return true;
        }

        // CoolDown after the first failure, doubling with each further one, at most MaxCoolDown; measured from the stored
        // LastErrorAt, so a failure on another instance (or before a restart) cools this one down too.
        var failures = Math.Clamp(row.ConsecutiveFailures, 1, 31);
        var coolDown = TimeSpan.FromTicks((long)Math.Min(settings.CoolDown.Ticks * Math.Pow(2, failures - 1), settings.MaxCoolDown.Ticks));
        if (now < failedAt + coolDown)
        {
            Count(tally, provider, "cooling_down");
            return true;
        }

        return false;
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
            Interlocked.Increment(ref tally.Failed);
            Log.RefreshCrashed(logger, exception, provider.Name, row.Id);
        }
        finally
        {
            slots.Release();
        }
    }

    private void Record(OAuthProvider provider, OAuthToken row, TokenResult result, DateTimeOffset? lagFrom, SweepTally tally)
    {
        if (result.HeldElsewhere)
        {
            // Another refresher (another instance's sweep, a user request) holds the lease, or won the claim: it stores the outcome.
            Count(tally, provider, "claimed_elsewhere");
            return;
        }

        switch (result.Status)
        {
            case TokenStatus.Refreshed:
                Interlocked.Increment(ref tally.Refreshed);
                Count(tally, provider, "refreshed");
                if (lagFrom is { } dueAt)
                {
                    var lag = time.GetUtcNow() - dueAt;
                    OAuth2CaptureInstruments.SweepLag.Record(lag > TimeSpan.Zero ? lag.TotalSeconds : 0, new KeyValuePair<string, object?>("provider", provider.Name));
                }

                break;
            case TokenStatus.ReauthRequired:
            case TokenStatus.NotConnected:
                Interlocked.Increment(ref tally.ReauthRequired);
                Count(tally, provider, "reauth_required");
                break;
            case TokenStatus.Valid:
                // Renewed by someone else meanwhile, or renewal failed while the current token still works (LastErrorAt says).
                Count(tally, provider, "valid");
                break;
            default:
                Interlocked.Increment(ref tally.Failed);
                Count(tally, provider, "failed");
                Log.RefreshFailed(logger, provider.Name, row.Id, result.Status, result.Error);
                break;
        }
    }

    /// <summary>
    /// Announces a grant end once across every instance and restart: the row says which grant end was announced, and one
    /// conditional update claims the notice, so only the winner notifies. A new grant end (a reconnect) is announced again.
    /// </summary>
    private async Task AnnounceExpiryAsync(OAuthProvider provider, OAuthToken row, DateTimeOffset end, CancellationToken cancellationToken)
    {
        if (row.ExpiryNoticeSentFor == end)
        {
            return;
        }

        // Its own scope: the sweep's store is busy streaming.
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (!await scope.ServiceProvider.GetRequiredService<ITokenStore>().TryMarkExpiryNoticeAsync(row.Id, end, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        row.ExpiryNoticeSentFor = end;
        Log.ExpiringWithoutRefresh(logger, provider.Name, row.Id, end);
        await notifications.ExpiringWithoutRefreshAsync(provider, row, end, cancellationToken).ConfigureAwait(false);
    }

    private static void Count(SweepTally tally, OAuthProvider provider, string action)
    {
        if (action is "claimed_elsewhere" or "cooling_down" or "given_up")
        {
            Interlocked.Increment(ref tally.Skipped);
        }

        OAuth2CaptureInstruments.SweepConnections.Add(1, new("provider", provider.Name), new("action", action));
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

    private sealed class ProviderGate(int concurrency, int? perSecond) : IDisposable
    {
        public SemaphoreSlim Concurrency { get; } = new(concurrency, concurrency);

        public TokenBucketRateLimiter? Rate { get; } = perSecond is { } rate
            ? new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate,
                TokensPerPeriod = rate,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            })
            : null;

        public void Dispose()
        {
            Concurrency.Dispose();
            Rate?.Dispose();
        }
    }

    private sealed class SweepTally
    {
        public int Seen;
        public int Refreshed;
        public int Failed;
        public int ReauthRequired;
        public int Skipped;

        public BackgroundSweepResult ToResult(TimeSpan elapsed)
            => new(Volatile.Read(ref Seen), Volatile.Read(ref Refreshed), Volatile.Read(ref Failed), Volatile.Read(ref ReauthRequired), Volatile.Read(ref Skipped), elapsed);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, EventName = "BackgroundRefreshStarted", Level = LogLevel.Information, Message = "Background refresh started: a sweep every {Interval}, renewing tokens {Window} ahead, {MaxConcurrency} at a time.")]
        public static partial void Started(ILogger logger, TimeSpan interval, TimeSpan window, int maxConcurrency);

        [LoggerMessage(EventId = 5002, EventName = "BackgroundSweepCompleted", Level = LogLevel.Information, Message = "Background sweep: {Seen} connections looked at, {Refreshed} refreshed, {Failed} failed, {ReauthRequired} need re-auth, {Skipped} skipped, in {ElapsedMs:F0} ms.")]
        public static partial void SweepCompleted(ILogger logger, int seen, int refreshed, int failed, int reauthRequired, int skipped, double elapsedMs);

        [LoggerMessage(EventId = 5003, EventName = "BackgroundSweepFailed", Level = LogLevel.Error, Message = "A background sweep failed; the next one runs at the next interval.")]
        public static partial void SweepFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 5004, EventName = "BackgroundRefreshFailed", Level = LogLevel.Warning, Message = "Background refresh of the {Provider} connection {ConnectionId} failed ({Status}, provider error {Error}); it cools down before the next attempt.")]
        public static partial void RefreshFailed(ILogger logger, string provider, Guid connectionId, TokenStatus status, string? error);

        [LoggerMessage(EventId = 5005, EventName = "BackgroundRefreshGaveUp", Level = LogLevel.Warning, Message = "Background refresh gives up on the {Provider} connection {ConnectionId}: it has failed transiently for {FailingFor} (last at {LastErrorAt:u}). It is tried again once a user request or a reconnect succeeds. Logged once per process.")]
        public static partial void GaveUp(ILogger logger, string provider, Guid connectionId, TimeSpan failingFor, DateTimeOffset lastErrorAt);

        [LoggerMessage(EventId = 5006, EventName = "ConnectionExpiringWithoutRefresh", Level = LogLevel.Information, Message = "The {Provider} connection {ConnectionId} ends at {ExpiresAt:u} and cannot be renewed silently; the user must reconnect.")]
        public static partial void ExpiringWithoutRefresh(ILogger logger, string provider, Guid connectionId, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = 5007, EventName = "BackgroundRefreshCrashed", Level = LogLevel.Error, Message = "Background refresh of the {Provider} connection {ConnectionId} threw.")]
        public static partial void RefreshCrashed(ILogger logger, Exception exception, string provider, Guid connectionId);

        [LoggerMessage(EventId = 5008, EventName = "ConnectionCountFailed", Level = LogLevel.Warning, Message = "Counting connections per provider after a sweep failed; the re-auth gauge keeps its previous values.")]
        public static partial void CountFailed(ILogger logger, Exception exception);
    }
}

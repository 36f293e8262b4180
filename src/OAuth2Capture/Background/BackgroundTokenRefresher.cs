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
/// Several instances may sweep at once. Before refreshing, a sweep claims the row with a conditional touch of
/// <see cref="OAuthToken.UpdatedAt"/> (the row's concurrency token decides): the loser skips the row, and other sweeps
/// leave a row touched less than <see cref="OAuth2CaptureBackgroundRefreshOptions.ClaimDuration"/> ago alone. A refresh that
/// still races (a user request on another instance) re-reads the winner's row inside the refresher; the refresh lease of
/// the store makes that exact.
/// </remarks>
internal sealed partial class BackgroundTokenRefresher(
    IServiceScopeFactory scopeFactory,
    IOAuthProviderCatalog catalog,
    ReauthNotificationDispatcher notifications,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    ILogger<BackgroundTokenRefresher> logger) : BackgroundService
{
    // Expiry notices already sent by this instance: connection id → the grant end announced. In memory only: a restart,
    // or each further instance, announces a grant once more (see docs/background-refresh.md).
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> announcedExpiries = new();

    // Failure streaks this instance has observed: each distinct LastErrorAt seen on a row (from any instance) is one
    // failure. In memory only: after a restart the back-off starts again at CoolDown and the give-up clock restarts.
    private readonly ConcurrentDictionary<Guid, FailureStreak> streaks = new();

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
        ForgetPassedExpiries(now, settings);

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
                await foreach (var row in store.StreamForSweepAsync(query, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref tally.Seen);
                    if (!catalog.TryGet(row.Provider, out var provider))
                    {
                        continue;
                    }

                    now = time.GetUtcNow();
                    var ahead = new RefreshAhead(settings.Window, settings.GetKeepAliveAfter(provider.Name));
                    var strategy = provider.Descriptor.RefreshStrategy;
                    var refreshable = strategy.CanRefresh && (!strategy.RequiresRefreshToken || row.EncryptedRefreshToken is not null);
                    var grantEnd = refreshable ? row.RefreshTokenExpiresAt : row.AccessTokenExpiresAt;
                    if (grantEnd is { } end && end > now && end <= now + noticeWindow)
                    {
                        await AnnounceExpiryAsync(provider, row, end, cancellationToken).ConfigureAwait(false);
                    }

                    // Not renewable: only an expired token is worth a call, which records the re-auth (and notifies once).
                    var due = refreshable ? ahead.IsDue(row, now) : TokenFreshness.IsExpired(row, now);
                    if (!due || Skip(row, provider, ahead, settings, now, tally))
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

    /// <summary>Whether a due connection is left alone this time: claimed by another sweep, cooling down, or given up.</summary>
    private bool Skip(OAuthToken row, OAuthProvider provider, RefreshAhead ahead, OAuth2CaptureBackgroundRefreshOptions settings, DateTimeOffset now, SweepTally tally)
    {
        if (row.UpdatedAt > now - settings.ClaimDuration && row.UpdatedAt <= now && row.LastRefreshedAt != row.UpdatedAt && row.AuthorizedAt != row.UpdatedAt)
        {
            // Touched recently by something other than a refresh or a connect: a sweep's claim.
            Count(tally, provider, "claimed_elsewhere");
            return true;
        }

        if (row.LastErrorAt is not { } failedAt)
        {
            // Any success (a user request, a reconnect, another instance) clears LastErrorAt and ends the streak.
            streaks.TryRemove(row.Id, out _);
            return false;
        }

        var streak = streaks.AddOrUpdate(row.Id,
            static (_, failedAt) => new FailureStreak(failedAt, failedAt, 1, false),
            static (_, streak, failedAt) => streak.LastFailedAt == failedAt ? streak : streak with { LastFailedAt = failedAt, Failures = streak.Failures + 1 },
            failedAt);
        var failingFor = failedAt - streak.FirstFailedAt;
        if (failingFor >= settings.GiveUpAfter)
        {
            if (!streak.GaveUp)
            {
                streaks[row.Id] = streak with { GaveUp = true };
                Log.GaveUp(logger, provider.Name, row.Id, failingFor, failedAt);
            }

            Count(tally, provider, "given_up");
            return true;
        }

        // CoolDown after the first failure, doubling with each further one, at most MaxCoolDown; measured from the stored
        // LastErrorAt, so a failure on another instance cools this one down too.
        var coolDown = TimeSpan.FromTicks((long)Math.Min(settings.CoolDown.Ticks * Math.Pow(2, Math.Min(streak.Failures - 1, 30)), settings.MaxCoolDown.Ticks));
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
                    // Claim: the conditional update succeeds for one sweep only; the others see the row changed and skip it.
                    row.UpdatedAt = time.GetUtcNow();
                    if (!await scope.ServiceProvider.GetRequiredService<ITokenStore>().TryUpdateAsync(row, cancellationToken).ConfigureAwait(false))
                    {
                        Count(tally, provider, "claimed_elsewhere");
                        return;
                    }

                    var service = scope.ServiceProvider.GetRequiredService<ITokenValidityService>();
                    var result = service is TokenValidityService own
                        ? await own.RefreshAheadAsync(row.Id, ahead, cancellationToken).ConfigureAwait(false)
                        : await service.GetValidTokenAsync(row.Id, cancellationToken).ConfigureAwait(false);
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

    private async Task AnnounceExpiryAsync(OAuthProvider provider, OAuthToken row, DateTimeOffset end, CancellationToken cancellationToken)
    {
        if (announcedExpiries.TryGetValue(row.Id, out var announced) && announced == end)
        {
            return;
        }

        announcedExpiries[row.Id] = end;
        Log.ExpiringWithoutRefresh(logger, provider.Name, row.Id, end);
        await notifications.ExpiringWithoutRefreshAsync(provider, row, end, cancellationToken).ConfigureAwait(false);
    }

    private void ForgetPassedExpiries(DateTimeOffset now, OAuth2CaptureBackgroundRefreshOptions settings)
    {
        foreach (var (id, streak) in streaks)
        {
            if (streak.LastFailedAt + settings.MaxCoolDown + settings.GiveUpAfter < now)
            {
                streaks.TryRemove(new KeyValuePair<Guid, FailureStreak>(id, streak));
            }
        }

        foreach (var (id, end) in announcedExpiries)
        {
            if (end <= now)
            {
                announcedExpiries.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(id, end));
            }
        }
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

    private sealed record FailureStreak(DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, int Failures, bool GaveUp);

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

        [LoggerMessage(EventId = 5005, EventName = "BackgroundRefreshGaveUp", Level = LogLevel.Warning, Message = "Background refresh gives up on the {Provider} connection {ConnectionId}: it has failed transiently for {FailingFor} (last at {LastErrorAt:u}). It is tried again once a user request or a reconnect succeeds.")]
        public static partial void GaveUp(ILogger logger, string provider, Guid connectionId, TimeSpan failingFor, DateTimeOffset lastErrorAt);

        [LoggerMessage(EventId = 5006, EventName = "ConnectionExpiringWithoutRefresh", Level = LogLevel.Information, Message = "The {Provider} connection {ConnectionId} ends at {ExpiresAt:u} and cannot be renewed silently; the user must reconnect.")]
        public static partial void ExpiringWithoutRefresh(ILogger logger, string provider, Guid connectionId, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = 5007, EventName = "BackgroundRefreshCrashed", Level = LogLevel.Error, Message = "Background refresh of the {Provider} connection {ConnectionId} threw.")]
        public static partial void RefreshCrashed(ILogger logger, Exception exception, string provider, Guid connectionId);

        [LoggerMessage(EventId = 5008, EventName = "ConnectionCountFailed", Level = LogLevel.Warning, Message = "Counting connections per provider after a sweep failed; the re-auth gauge keeps its previous values.")]
        public static partial void CountFailed(ILogger logger, Exception exception);
    }
}

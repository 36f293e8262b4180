using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>The one refresh per connection on its own: detached from its callers, each of which waits with its own token.</summary>
public sealed class RefreshFlightsTests
{
    [Fact]
    public async Task RunAsync_with_100_concurrent_callers_runs_the_refresh_once()
    {
        using var coordinator = new RefreshFlights();
        var id = Guid.NewGuid();
        var calls = 0;
        var release = new TaskCompletionSource();
        async Task<TokenResult> Refresh(CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            await release.Task.WaitAsync(token);
            return TokenResult.Refreshed("acme", id, "new-token", "Bearer", null, null);
        }

        var callers = Enumerable.Range(0, 100).Select(_ => Task.Run(() => RunAsync(coordinator, id, Refresh, TestContext.Current.CancellationToken))).ToArray();
        await Task.Delay(100, TestContext.Current.CancellationToken);
        release.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, calls);
        Assert.All(results, r => Assert.Equal("new-token", r.Result.AccessToken));
        Assert.Equal(99, results.Count(r => r.Joined));
        Assert.Equal(0, coordinator.InFlight);
    }

    [Fact]
    public async Task RunAsync_when_one_caller_cancels_the_others_still_get_the_result()
    {
        using var coordinator = new RefreshFlights();
        var id = Guid.NewGuid();
        var release = new TaskCompletionSource();
        Task<TokenResult> Refresh(CancellationToken token) => release.Task.WaitAsync(token).ContinueWith(_ => TokenResult.Refreshed("acme", id, "t", null, null, null), TaskScheduler.Default);

        using var impatient = new CancellationTokenSource();
        var first = RunAsync(coordinator, id, Refresh, impatient.Token);
        var second = RunAsync(coordinator, id, Refresh, TestContext.Current.CancellationToken);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        release.SetResult();

        Assert.Equal("t", (await second).Result.AccessToken);
    }

    [Fact]
    public async Task RunAsync_after_a_flight_ends_starts_a_new_one()
    {
        using var coordinator = new RefreshFlights();
        var id = Guid.NewGuid();
        var calls = 0;
        Task<TokenResult> Refresh(CancellationToken token) => Task.FromResult(TokenResult.Refreshed("acme", id, $"t{Interlocked.Increment(ref calls)}", null, null, null));

        var first = await RunAsync(coordinator, id, Refresh, TestContext.Current.CancellationToken);
        await Task.Delay(20, TestContext.Current.CancellationToken);
        var second = await RunAsync(coordinator, id, Refresh, TestContext.Current.CancellationToken);

        Assert.Equal("t1", first.Result.AccessToken);
        Assert.Equal("t2", second.Result.AccessToken);
    }

    [Fact]
    public async Task RunAsync_starts_the_refresh_on_the_callers_thread_yet_under_the_flights_own_token()
    {
        using var coordinator = new RefreshFlights();
        var id = Guid.NewGuid();
        var release = new TaskCompletionSource();
        int? startedOn = null;
        var given = CancellationToken.None;
        Task<TokenResult> Refresh(CancellationToken token)
        {
            (startedOn, given) = (Environment.CurrentManagedThreadId, token);
            return release.Task.ContinueWith(_ => TokenResult.Refreshed("acme", id, "t", null, null, null), TaskScheduler.Default);
        }

        using var caller = new CancellationTokenSource();
        var running = RunAsync(coordinator, id, Refresh, caller.Token);

        // Reached before RunAsync returned, on this thread: no wait for a pool thread before the provider call.
        Assert.Equal(Environment.CurrentManagedThreadId, startedOn);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.False(given.IsCancellationRequested);
        Assert.Equal(1, coordinator.InFlight);

        release.SetResult();
        Assert.Equal("t", (await RunAsync(coordinator, id, Refresh, TestContext.Current.CancellationToken)).Result.AccessToken);
    }

    private static Task<(TokenResult Result, bool Joined)> RunAsync(
        RefreshFlights flights, Guid id, Func<CancellationToken, Task<TokenResult>> refresh, CancellationToken cancellationToken)
        => flights.RunAsync(id, refresh, static (refresh, token) => new ValueTask<TokenResult>(refresh(token)), cancellationToken).AsTask();
}

using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>
/// Request coalescing on its own, with reads the test holds open (a <see cref="TaskCompletionSource{TResult}"/>), so which
/// caller leads and which join is decided by the test, not by timing.
/// </summary>
public sealed class ReadFlightsTests
{
    private static readonly TokenResult Answer = TokenResult.Valid("dev", Guid.NewGuid(), "at-1", "Bearer", null, "read");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_with_100_callers_during_one_read_runs_the_read_once_and_answers_everyone_its_result()
    {
        var reads = new ReadFlights<string>();
        var read = new HeldRead();

        var leader = RunAsync(reads, "user-1", read.RunAsync, Ct);
        var joiners = Enumerable.Range(0, 100).Select(_ => RunAsync(reads, "user-1", read.RunAsync, Ct)).ToArray();
        read.Release(Answer);
        var results = await Task.WhenAll([leader, .. joiners]);

        Assert.Equal(1, read.Calls);
        Assert.False(results[0].Joined);
        Assert.All(results.Skip(1), r => Assert.True(r.Joined));
        Assert.All(results, r => Assert.Same(Answer, r.Result));
        Assert.Equal(0, reads.InFlight);
    }

    [Fact]
    public async Task RunAsync_after_a_read_finished_reads_again()
    {
        var reads = new ReadFlights<string>();
        var calls = 0;
        Task<TokenResult> Read(CancellationToken _)
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(Answer);
        }

        _ = await RunAsync(reads, "user-1", Read, Ct);
        var second = await RunAsync(reads, "user-1", Read, Ct);

        Assert.Equal(2, calls);
        Assert.False(second.Joined);
    }

    [Fact]
    public async Task RunAsync_for_different_keys_never_shares_a_read()
    {
        var reads = new ReadFlights<string>();
        var read = new HeldRead();

        var first = RunAsync(reads, "user-1", read.RunAsync, Ct);
        var second = RunAsync(reads, "user-2", read.RunAsync, Ct);
        read.Release(Answer);
        await Task.WhenAll(first, second);

        Assert.Equal(2, read.Calls);
        Assert.False((await second).Joined);
    }

    [Fact]
    public async Task RunAsync_when_the_leaders_request_is_aborted_lets_the_joined_callers_read_again_themselves()
    {
        var reads = new ReadFlights<string>();
        using var leaderAborted = new CancellationTokenSource();
        var calls = 0;
        async Task<TokenResult> Read(CancellationToken token)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(Timeout.Infinite, token);
            }

            return Answer;
        }

        var leader = RunAsync(reads, "user-1", Read, leaderAborted.Token);
        var joiner = RunAsync(reads, "user-1", Read, Ct);
        await leaderAborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        var joined = await joiner;
        Assert.Same(Answer, joined.Result);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task RunAsync_when_a_joined_caller_gives_up_leaves_the_read_and_the_others_untouched()
    {
        var reads = new ReadFlights<string>();
        var release = new TaskCompletionSource<TokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var impatient = new CancellationTokenSource();

        var leader = RunAsync(reads, "user-1", _ => release.Task, Ct);
        var quitter = RunAsync(reads, "user-1", _ => release.Task, impatient.Token);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter);

        release.SetResult(Answer);
        Assert.Same(Answer, (await leader).Result);
    }

    [Fact]
    public async Task RunAsync_when_the_read_fails_gives_every_caller_the_failure_and_the_next_caller_reads_again()
    {
        var reads = new ReadFlights<string>();
        var release = new TaskCompletionSource<TokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var leader = RunAsync(reads, "user-1", _ => release.Task, Ct);
        var joiner = RunAsync(reads, "user-1", _ => release.Task, Ct);

        release.SetException(new InvalidOperationException("the database is down"));

        Assert.Equal("the database is down", (await Assert.ThrowsAsync<InvalidOperationException>(() => leader)).Message);
        Assert.Equal("the database is down", (await Assert.ThrowsAsync<InvalidOperationException>(() => joiner)).Message);
        Assert.Same(Answer, (await RunAsync(reads, "user-1", _ => Task.FromResult(Answer), Ct)).Result);
    }

    /// <summary>Runs a read through the coalescer, the read passed as the state.</summary>
    private static Task<(TokenResult Result, bool Joined)> RunAsync(
        ReadFlights<string> reads, string key, Func<CancellationToken, Task<TokenResult>> read, CancellationToken cancellationToken)
        => reads.RunAsync(key, read, static (read, token) => new ValueTask<TokenResult>(read(token)), cancellationToken).AsTask();

    /// <summary>A read that stays open until the test releases it, counting how often it was started.</summary>
    private sealed class HeldRead
    {

        private readonly TaskCompletionSource<TokenResult> release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public Task<TokenResult> RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref calls);
            return release.Task;
        }

        public void Release(TokenResult result) => release.SetResult(result);
    }
}

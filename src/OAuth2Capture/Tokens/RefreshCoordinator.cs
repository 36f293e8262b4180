using System.Collections.Concurrent;

namespace OAuth2Capture.Tokens;

/// <summary>
/// In-process single flight: at most one refresh per connection runs at a time, and every concurrent caller awaits
/// that one. The refresh runs under the coordinator's own token, cancelled only at shutdown, so one aborted request
/// cannot cancel a refresh that others wait on; each caller stops waiting with its own token.
/// </summary>
internal sealed class RefreshCoordinator : IDisposable
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<TokenResult>>> flights = new();
    private readonly CancellationTokenSource shutdown = new();

    /// <summary>Gets how many refreshes are in flight now.</summary>
    public int InFlight => flights.Count;

    /// <summary>Gets whether a refresh of the connection is in flight now.</summary>
    /// <param name="connectionId">The connection.</param>
    /// <returns><see langword="true"/> while one runs.</returns>
    public bool IsRunning(Guid connectionId) => flights.ContainsKey(connectionId);

    /// <summary>Runs <paramref name="refresh"/> for the connection unless one is already running, then waits for it.</summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="refresh">The refresh, given the shutdown token.</param>
    /// <param name="cancellationToken">Stops this caller's wait only.</param>
    /// <returns>The flight's result and whether this caller joined a flight another caller started.</returns>
    public async Task<(TokenResult Result, bool Joined)> RunAsync(Guid connectionId, Func<CancellationToken, Task<TokenResult>> refresh, CancellationToken cancellationToken)
    {
        Lazy<Task<TokenResult>>? candidate = null;
        candidate = new Lazy<Task<TokenResult>>(() => Start(connectionId, candidate!, refresh), LazyThreadSafetyMode.ExecutionAndPublication);

        // GetOrAdd may build several candidates under contention, but only the stored Lazy is ever started.
        var flight = flights.GetOrAdd(connectionId, candidate);
        var joined = !ReferenceEquals(flight, candidate);
        var result = await flight.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (result, joined);
    }

    private Task<TokenResult> Start(Guid connectionId, Lazy<Task<TokenResult>> flight, Func<CancellationToken, Task<TokenResult>> refresh)
    {
        var token = shutdown.Token;
        var task = Task.Run(() => refresh(token), token);
        _ = task.ContinueWith(
            _ => flights.TryRemove(new KeyValuePair<Guid, Lazy<Task<TokenResult>>>(connectionId, flight)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }

    public void Dispose()
    {
        shutdown.Cancel();
        shutdown.Dispose();
    }
}

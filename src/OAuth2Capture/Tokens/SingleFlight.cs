using System.Collections.Concurrent;

namespace OAuth2Capture.Tokens;

/// <summary>Whose cancellation a flight's work runs under.</summary>
internal enum FlightCancellation
{
    /// <summary>
    /// The work runs on the caller that started it, under that caller's token, so an uncontended call costs nothing extra.
    /// If that caller is aborted, the callers that joined run the work again rather than inherit a cancellation that is not
    /// theirs. For reads: cheap to repeat.
    /// </summary>
    Leader,

    /// <summary>
    /// The work runs detached, under the flight's own token (cancelled only at shutdown), so one aborted request cannot
    /// cancel work that others wait on. For refreshes: a refresh cut off mid-call may cost the rotated refresh token.
    /// </summary>
    Detached,
}

/// <summary>
/// In-process single flight: callers asking for the same key while its work runs share that work's result instead of
/// each doing it. One store read serves a thousand requests arriving together for one token, and one refresh serves
/// every caller of a connection that is due. Each caller stops waiting with its own token.
/// </summary>
/// <remarks>
/// A caller that joins does nothing but wait for the flight's task: the work, and whatever it needs (a scope, a context, a
/// store read), is the leader's alone, and its outcome, a failure included, is every joiner's. A wait for another instance
/// (the refresh lease) happens inside the leader's work, so anything that ends that wait sooner (a store notification)
/// reaches the joiners through the same task.
/// </remarks>
/// <typeparam name="TKey">What identifies the work: (owner, provider), a connection id.</typeparam>
internal class SingleFlight<TKey> : IDisposable
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TokenResult>> flights = new();
    private readonly CancellationTokenSource shutdown = new();
    private readonly FlightCancellation cancellation;

    /// <summary>Creates a single flight.</summary>
    /// <param name="cancellation">Whose cancellation the work runs under.</param>
    protected SingleFlight(FlightCancellation cancellation) => this.cancellation = cancellation;

    /// <summary>Gets how many flights are running now.</summary>
    public int InFlight => flights.Count;

    /// <summary>Gets whether a flight for <paramref name="key"/> is running now.</summary>
    public bool IsRunning(TKey key) => flights.ContainsKey(key);

    /// <summary>Runs <paramref name="work"/> unless a flight for <paramref name="key"/> is already running, then answers its result.</summary>
    /// <typeparam name="TState">What the work needs, passed along so that the hot path allocates no closure.</typeparam>
    /// <param name="key">What the work is for.</param>
    /// <param name="state">Handed to <paramref name="work"/>.</param>
    /// <param name="work">The work, given the state and the token it runs under (see <see cref="FlightCancellation"/>).</param>
    /// <param name="cancellationToken">This caller's token.</param>
    /// <returns>The result and whether this caller joined a flight another caller started.</returns>
    public async ValueTask<(TokenResult Result, bool Joined)> RunAsync<TState>(
        TKey key, TState state, Func<TState, CancellationToken, ValueTask<TokenResult>> work, CancellationToken cancellationToken)
    {
        var joined = false;
        while (true)
        {
            if (flights.TryGetValue(key, out var running))
            {
                joined = true;
                try
                {
                    return (await running.WaitAsync(cancellationToken).ConfigureAwait(false), joined);
                }
                catch (OperationCanceledException) when (cancellation == FlightCancellation.Leader && !cancellationToken.IsCancellationRequested)
                {
                    // The leader's request was aborted: run again, leading this time or joining another caller.
                    continue;
                }
            }

            var mine = new TaskCompletionSource<TokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!flights.TryAdd(key, mine.Task))
            {
                continue;
            }

            if (cancellation == FlightCancellation.Leader)
            {
                return (await LeadAsync(key, mine, state, work, cancellationToken).ConfigureAwait(false), joined);
            }

            // Detached by its token, not by a thread: it starts here, up to its first wait (a refresh: the provider call). Sent
            // through the thread pool instead, each refresh of the background sweep waited 1.4 to 2 ms for a thread on two busy
            // cores before its call, time the provider sat idle. The outcome, a failure included, reaches every caller through
            // the flight; the detached task's own is observed.
            _ = LeadAsync(key, mine, state, work, shutdown.Token).AsTask()
                .ContinueWith(
                    static task => _ = task.Exception,
                    CancellationToken.None,
                    TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            return (await mine.Task.WaitAsync(cancellationToken).ConfigureAwait(false), joined);
        }
    }

    private async ValueTask<TokenResult> LeadAsync<TState>(
        TKey key, TaskCompletionSource<TokenResult> flight, TState state, Func<TState, CancellationToken, ValueTask<TokenResult>> work, CancellationToken cancellationToken)
    {
        try
        {
            var result = await work(state, cancellationToken).ConfigureAwait(false);

            // Leave before answering: a caller arriving from now on starts afresh instead of taking this result.
            flights.TryRemove(new KeyValuePair<TKey, Task<TokenResult>>(key, flight.Task));
            flight.SetResult(result);
            return result;
        }
        catch (Exception exception)
        {
            flights.TryRemove(new KeyValuePair<TKey, Task<TokenResult>>(key, flight.Task));
            if (exception is OperationCanceledException)
            {
                flight.TrySetCanceled(CancellationToken.None);
            }
            else
            {
                flight.TrySetException(exception);

                // Joined callers rethrow it; with none, it must not surface later as an unobserved task exception.
                _ = flight.Task.Exception;
            }

            throw;
        }
    }

    /// <summary>
    /// Cancels every detached flight: called when the app starts stopping, so a hung provider call ends before the
    /// services are disposed (Polly's registry waits for the executions in flight when it is disposed).
    /// </summary>
    public void CancelAll()
    {
        try
        {
            shutdown.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing runs any more.
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            shutdown.Cancel();
            shutdown.Dispose();
        }
    }
}

/// <summary>The one refresh per connection: detached from the request that started it (<see cref="FlightCancellation.Detached"/>).</summary>
internal sealed class RefreshFlights() : SingleFlight<Guid>(FlightCancellation.Detached);

/// <summary>
/// The one decision per access token a provider's API rejected (<see cref="AccessTokenRejection"/>), detached like a
/// refresh: it may refresh, and one caller giving up must not cancel the others' answer.
/// </summary>
internal sealed class RejectionFlights() : SingleFlight<(Guid ConnectionId, string AccessToken)>(FlightCancellation.Detached);

/// <summary>The one store read per token: run by the first caller (<see cref="FlightCancellation.Leader"/>).</summary>
/// <typeparam name="TKey">(owner, provider) or a connection id.</typeparam>
internal sealed class ReadFlights<TKey>() : SingleFlight<TKey>(FlightCancellation.Leader)
    where TKey : notnull;

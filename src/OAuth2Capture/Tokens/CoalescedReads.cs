using System.Collections.Concurrent;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Request coalescing for token reads: callers asking for the same key while a read of it is running share that read's
/// result instead of each querying the store. A thousand requests arriving together for one user's token cost one store
/// read (and, when the token is due, the one refresh of <see cref="RefreshCoordinator"/>), not a thousand.
/// </summary>
/// <remarks>
/// The first caller (the leader) runs the read itself, on its own request's services and cancellation token, so an
/// uncontended call costs nothing extra. A caller that joins waits with its own token; if the leader's request is aborted
/// mid-read, the callers that joined read again rather than inherit a cancellation that is not theirs. A joined caller may
/// get a result read up to one store round trip before it called, which is no staler than a read on another instance.
/// </remarks>
/// <typeparam name="TKey">What identifies a read: (owner, provider) or a connection id.</typeparam>
internal sealed class CoalescedReads<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TokenResult>> flights = new();

    /// <summary>Gets how many reads are running now.</summary>
    public int InFlight => flights.Count;

    /// <summary>Runs <paramref name="read"/> unless a read of <paramref name="key"/> is already running, then answers its result.</summary>
    /// <typeparam name="TState">What the read needs, passed along so that the hot path allocates no closure.</typeparam>
    /// <param name="key">What is read.</param>
    /// <param name="state">Handed to <paramref name="read"/>.</param>
    /// <param name="read">The read, given the state and this caller's token (it runs only when this caller leads).</param>
    /// <param name="cancellationToken">This caller's token.</param>
    /// <returns>The result and whether this caller joined a read another caller led.</returns>
    public async ValueTask<(TokenResult Result, bool Joined)> RunAsync<TState>(
        TKey key, TState state, Func<TState, CancellationToken, ValueTask<TokenResult>> read, CancellationToken cancellationToken)
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
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The leader's request was aborted: read again, leading this time or joining another caller.
                    continue;
                }
            }

            var mine = new TaskCompletionSource<TokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!flights.TryAdd(key, mine.Task))
            {
                continue;
            }

            return (await LeadAsync(key, mine, state, read, cancellationToken).ConfigureAwait(false), joined);
        }
    }

    private async ValueTask<TokenResult> LeadAsync<TState>(
        TKey key, TaskCompletionSource<TokenResult> flight, TState state, Func<TState, CancellationToken, ValueTask<TokenResult>> read, CancellationToken cancellationToken)
    {
        try
        {
            var result = await read(state, cancellationToken).ConfigureAwait(false);

            // Leave before answering: a caller arriving from now on reads afresh instead of taking this result.
            flights.TryRemove(new KeyValuePair<TKey, Task<TokenResult>>(key, flight.Task));
            flight.SetResult(result);
            return result;
        }
        catch (Exception exception)
        {
            flights.TryRemove(new KeyValuePair<TKey, Task<TokenResult>>(key, flight.Task));
            if (exception is OperationCanceledException)
            {
                flight.SetCanceled(CancellationToken.None);
            }
            else
            {
                flight.SetException(exception);

                // Joined callers rethrow it; with none, it must not surface later as an unobserved task exception.
                _ = flight.Task.Exception;
            }

            throw;
        }
    }
}

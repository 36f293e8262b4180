using System.Collections.Concurrent;

namespace OAuth2Capture.Tokens;

/// <summary>
/// What this instance hears about writes made by the others (the store engine's change feed; PostgreSQL
/// <c>LISTEN/NOTIFY</c>): a refresher waiting on another instance's lease wakes at once instead of at its next poll, and
/// the token cache drops its copy of the connection. Without a feed nothing is heard, and both fall back to time (the
/// lease wait polls, cache entries expire).
/// </summary>
/// <param name="cache">The token cache, kept coherent with the other instances' writes.</param>
internal sealed class ConnectionChangeSignals(TokenCache cache)
{
    private readonly ConcurrentDictionary<Guid, Subscription[]> waiting = new();

    /// <summary>Gets whether a change feed is connected now (a lost connection sets it back until it reconnects).</summary>
    public bool IsLive { get; private set; }

    /// <summary>
    /// Starts listening for one connection. Subscribe <em>before</em> reading the row: a change committed between the read
    /// and the wait then ends the wait at once instead of being missed.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <returns>The subscription; dispose it when done waiting.</returns>
    public Subscription Subscribe(Guid connectionId)
    {
        var subscription = new Subscription(this, connectionId);
        waiting.AddOrUpdate(connectionId, static (_, s) => [s], static (_, existing, s) => [.. existing, s], subscription);
        return subscription;
    }

    /// <summary>Another instance changed a connection, or (<see langword="null"/>) any connection may have changed while notifications were lost.</summary>
    /// <param name="connectionId">The connection, or <see langword="null"/> for all.</param>
    public void Changed(Guid? connectionId)
    {
        if (connectionId is { } id)
        {
            cache.Invalidate(id);
            if (waiting.TryGetValue(id, out var subscriptions))
            {
                foreach (var subscription in subscriptions)
                {
                    subscription.Signal();
                }
            }

            return;
        }

        cache.InvalidateAll();
        foreach (var subscriptions in waiting.Values)
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Signal();
            }
        }
    }

    /// <summary>The feed connected (<see langword="true"/>) or lost its connection (<see langword="false"/>).</summary>
    /// <param name="live">Whether it is connected now.</param>
    public void FeedIs(bool live) => IsLive = live;

    private void Unsubscribe(Subscription subscription)
    {
        while (waiting.TryGetValue(subscription.ConnectionId, out var existing))
        {
            var rest = Array.FindAll(existing, s => !ReferenceEquals(s, subscription));
            var done = rest.Length == 0
                ? waiting.TryRemove(new KeyValuePair<Guid, Subscription[]>(subscription.ConnectionId, existing))
                : waiting.TryUpdate(subscription.ConnectionId, rest, existing);
            if (done)
            {
                return;
            }
        }
    }

    /// <summary>One waiter's interest in one connection; a change signals it until it next waits.</summary>
    internal sealed class Subscription(ConnectionChangeSignals signals, Guid connectionId) : IDisposable
    {
        private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid ConnectionId => connectionId;

        /// <summary>
        /// Waits for a change of the connection heard since the last wait (or since subscribing), or for
        /// <paramref name="delay"/>, whichever is first.
        /// </summary>
        /// <returns><see langword="true"/> when a change ended the wait.</returns>
        public async Task<bool> WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
        {
            var signal = Volatile.Read(ref changed);
            if (!signal.Task.IsCompleted)
            {
                try
                {
                    await signal.Task.WaitAsync(delay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    return false;
                }
            }

            // Heard: the next wait waits for the next change.
            Interlocked.CompareExchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
            return true;
        }

        internal void Signal() => Volatile.Read(ref changed).TrySetResult();

        public void Dispose() => signals.Unsubscribe(this);
    }
}

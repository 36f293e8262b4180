using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OAuth2Capture.Reauth;

/// <summary>
/// Notices a connection that dies right after each reconnect (clock skew, a client secret the provider rejects only on
/// use, a provider policy) so the user is not sent round the loop forever. Counts reconnects per user and provider
/// in this process; with several instances each keeps its own count, which only delays detection.
/// </summary>
internal sealed class ReauthLoopGuard(TimeProvider time, IOptionsMonitor<OAuth2CaptureOptions> options)
{
    private readonly ConcurrentDictionary<(string Owner, string Provider), Queue<DateTimeOffset>> reconnects = new();

    public void RecordReconnect(string ownerId, string provider)
    {
        var queue = reconnects.GetOrAdd((ownerId, provider), _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            queue.Enqueue(time.GetUtcNow());
            Trim(queue);
        }
    }

    /// <summary>True when the user reconnected at least <see cref="OAuth2CaptureOptions.ReauthLoopThreshold"/> times within the window and needs to again.</summary>
    public bool IsLooping(string ownerId, string provider)
    {
        if (!reconnects.TryGetValue((ownerId, provider), out var queue))
        {
            return false;
        }

        lock (queue)
        {
            Trim(queue);
            return queue.Count >= options.CurrentValue.ReauthLoopThreshold;
        }
    }

    public void Reset(string ownerId, string provider) => reconnects.TryRemove((ownerId, provider), out _);

    private void Trim(Queue<DateTimeOffset> queue)
    {
        var oldest = time.GetUtcNow() - options.CurrentValue.ReauthLoopWindow;
        while (queue.Count > 0 && queue.Peek() < oldest)
        {
            queue.Dequeue();
        }
    }
}

namespace OAuth2Capture.Background;

/// <summary>
/// The sweep's provider-call places: a count, like a semaphore, except that a place given back while the sweep waits for one
/// goes to the sweep at once, on the thread that gives it back. A <see cref="SemaphoreSlim"/> wakes its async waiter through
/// the thread pool instead; on two busy cores that hop kept a freed place empty 1.9 ms a row on average, 7 % of the
/// provider's time at 20 ms a call (<c>docs/performance.md</c>). The waiter's continuation starts the next row's refresh up to
/// its provider call, then the giver goes on with its own outcome write, which no longer delays any call.
/// </summary>
internal sealed class CallPlaces(int count)
{
    private readonly Queue<TaskCompletionSource> waiters = new();
    private int free = count;

    /// <summary>Gets the places nobody holds or waits for.</summary>
    public int Free
    {
        get
        {
            lock (waiters)
            {
                return free;
            }
        }
    }

    /// <summary>Takes a place if one is free.</summary>
    /// <returns><see langword="true"/> when a place was taken.</returns>
    public bool TryTake()
    {
        lock (waiters)
        {
            if (free == 0)
            {
                return false;
            }

            free--;
            return true;
        }
    }

    /// <summary>Takes a place, waiting for one to be given back.</summary>
    /// <param name="cancellationToken">Stops the wait; no place is held then.</param>
    /// <returns>A task that completes when the place is the caller's.</returns>
    public Task TakeAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (waiters)
        {
            if (free > 0)
            {
                free--;
                return Task.CompletedTask;
            }

            // Continuations run synchronously on purpose: the giver runs the sweep's next step (see the summary).
            waiter = new TaskCompletionSource();
            waiters.Enqueue(waiter);
        }

        return cancellationToken.CanBeCanceled ? WaitAsync(waiter, cancellationToken) : waiter.Task;
    }

    /// <summary>Gives a place back: to the longest waiter, whose continuation runs here before this returns, or to the count.</summary>
    public void Release()
    {
        while (true)
        {
            TaskCompletionSource? waiter;
            lock (waiters)
            {
                if (!waiters.TryDequeue(out waiter))
                {
                    free++;
                    return;
                }
            }

            // A waiter cancelled meanwhile does not take it: the next one does, or the count.
            if (waiter.TrySetResult())
            {
                return;
            }
        }
    }

    private static async Task WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        var registration = cancellationToken.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetCanceled(), waiter);
        try
        {
            await waiter.Task.ConfigureAwait(false);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }
}

using OAuth2Capture.Tokens;

namespace OAuth2Capture.Background;

/// <summary>
/// The bounds of one sweep: <see cref="OAuth2CaptureBackgroundRefreshOptions.MaxConcurrency"/> provider calls at once, and
/// as many outcome writes at once beside them. A refresh holds a call place while it waits for the provider and moves to a
/// write place when the provider answers (<see cref="SweepSlot"/>), so the next row's call starts while this row's outcome
/// commits: the commit took a fifth of each refresh at a 20 ms provider (<c>docs/performance.md</c>), time in which the
/// provider sat idle.
/// </summary>
/// <remarks>Not disposable on purpose: a refresh the sweep stopped waiting for (its flight is detached) may still report its
/// provider's answer after the sweep ended, and that must find the semaphores usable (see <see cref="SweepSlot.ProviderAnswered"/>).</remarks>
/// <param name="maxConcurrency">The sweep's <see cref="OAuth2CaptureBackgroundRefreshOptions.MaxConcurrency"/>.</param>
internal sealed class SweepCapacity(int maxConcurrency)
{
    /// <summary>Gets the places among the sweep's provider calls; the sweep takes one before it starts a row.</summary>
    public CallPlaces Calls { get; } = new(maxConcurrency);

    /// <summary>Gets the places among the outcome writes.</summary>
    public SemaphoreSlim Writes { get; } = new(maxConcurrency, maxConcurrency);

    /// <summary>Waits until every refresh of the sweep is over, its write included: every place back.</summary>
    public async Task WaitForAllAsync()
    {
        for (var i = 0; i < maxConcurrency; i++)
        {
            await Calls.TakeAsync(CancellationToken.None).ConfigureAwait(false);
        }

        for (var i = 0; i < maxConcurrency; i++)
        {
            await Writes.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// One sweep refresh's places: a call place of the sweep and of its provider (<see cref="OAuth2CaptureBackgroundRefreshOptions.MaxConcurrencyPerProvider"/>)
/// until the provider answers, then a write place until the outcome is stored. A refresh whose answer finds every write
/// place taken keeps its call places until one frees, so writes that fall behind slow the calls down instead of piling up.
/// </summary>
/// <param name="capacity">The sweep's bounds; its call place is already taken.</param>
/// <param name="providerCalls">The provider's call places; one is already taken.</param>
internal sealed class SweepSlot(SweepCapacity capacity, SemaphoreSlim providerCalls)
{
    private const int Calling = 0;
    private const int Writing = 1;
    private const int Done = 2;

    private readonly TaskCompletionSource answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int state = Calling;

    /// <summary>
    /// Told by the refresher (<see cref="RefreshAhead.ProviderAnswered"/>) that the provider answered and the outcome write
    /// begins. It runs inside the refresh, which must store what the provider answered whatever happens here, so it neither
    /// blocks nor throws. With a write place free it hands over at once, on the refresh's own thread: signalling another
    /// thread instead put the hand-over behind the write's own work (2.4 ms a row, measured), while the provider sat idle.
    /// </summary>
    public void ProviderAnswered()
    {
        if (Volatile.Read(ref state) != Calling)
        {
            return; // The sweep no longer waits for this refresh.
        }

        if (capacity.Writes.Wait(0))
        {
            MoveToWritePlace();
        }
        else
        {
            answered.TrySetResult();
        }
    }

    /// <summary>Waits for <paramref name="refresh"/>; when its answer found every write place taken, hands over once one frees.</summary>
    /// <param name="refresh">The refresh, started with <see cref="ProviderAnswered"/> as its <see cref="RefreshAhead.ProviderAnswered"/>.</param>
    /// <returns>The refresh's result.</returns>
    public async Task<TokenResult> HandOverAtAnswerAsync(Task<TokenResult> refresh)
    {
        if (await Task.WhenAny(refresh, answered.Task).ConfigureAwait(false) != refresh)
        {
            await capacity.Writes.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            MoveToWritePlace();
        }

        return await refresh.ConfigureAwait(false);
    }

    /// <summary>Gives back what it still holds (the call places when the refresh ended before an answer, else the write place); later answers change nothing.</summary>
    public void Release()
    {
        switch (Interlocked.Exchange(ref state, Done))
        {
            case Calling:
                ReleaseCallPlaces();
                break;
            case Writing:
                capacity.Writes.Release();
                break;
        }
    }

    /// <summary>With a write place taken: gives the call places back, unless the sweep stopped waiting meanwhile.</summary>
    private void MoveToWritePlace()
    {
        if (Interlocked.CompareExchange(ref state, Writing, Calling) == Calling)
        {
            ReleaseCallPlaces();
        }
        else
        {
            capacity.Writes.Release();
        }
    }

    private void ReleaseCallPlaces()
    {
        providerCalls.Release();
        capacity.Calls.Release();
    }
}

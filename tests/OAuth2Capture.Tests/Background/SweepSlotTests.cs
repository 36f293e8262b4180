using OAuth2Capture.Background;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// A sweep refresh gives its provider-call place back when the provider answers, while its outcome is still being stored,
/// and a write that falls behind keeps the call place taken instead of letting writes pile up.
/// </summary>
public sealed class SweepSlotTests
{
    private static readonly TokenResult Refreshed = TokenResult.Valid("dev", Guid.NewGuid(), "access", "Bearer", null, null);

    [Fact]
    public async Task Provider_answer_frees_the_call_place_while_the_outcome_is_still_being_written()
    {
        var (capacity, providerCalls, slot) = TakeOnePlace(maxConcurrency: 2);
        var write = new TaskCompletionSource<TokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = slot.HandOverAtAnswerAsync(write.Task);

        slot.ProviderAnswered();

        Assert.Equal(2, capacity.Calls.Free); // the next row's call may start now
        Assert.Equal(2, providerCalls.CurrentCount);
        Assert.Equal(1, capacity.Writes.CurrentCount);
        Assert.False(waiting.IsCompleted);

        write.SetResult(Refreshed);
        Assert.Same(Refreshed, await waiting);
        slot.Release();
        Assert.Equal(2, capacity.Writes.CurrentCount);
        Assert.Equal(2, capacity.Calls.Free);
    }

    [Fact]
    public async Task Answer_finding_every_write_place_taken_keeps_the_call_place_until_a_write_ends()
    {
        var (capacity, providerCalls, slot) = TakeOnePlace(maxConcurrency: 1);
        Assert.True(capacity.Writes.Wait(0, TestContext.Current.CancellationToken)); // another row's outcome is being written
        var write = new TaskCompletionSource<TokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = slot.HandOverAtAnswerAsync(write.Task);

        slot.ProviderAnswered();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(0, capacity.Calls.Free);
        Assert.Equal(0, providerCalls.CurrentCount);

        capacity.Writes.Release(); // that write ended
        await WaitUntilAsync(() => capacity.Calls.Free == 1);
        Assert.Equal(1, providerCalls.CurrentCount);
        Assert.Equal(0, capacity.Writes.CurrentCount);

        write.SetResult(Refreshed);
        await waiting;
        slot.Release();
        Assert.Equal(1, capacity.Writes.CurrentCount);
    }

    [Fact]
    public async Task Refresh_ending_without_an_answer_returns_the_call_place_and_a_late_answer_changes_nothing()
    {
        var (capacity, providerCalls, slot) = TakeOnePlace(maxConcurrency: 2);
        Assert.Same(Refreshed, await slot.HandOverAtAnswerAsync(Task.FromResult(Refreshed)));
        slot.Release();
        Assert.Equal(2, capacity.Calls.Free);
        Assert.Equal(2, providerCalls.CurrentCount);

        // A detached refresh the sweep stopped waiting for reports its answer afterwards.
        slot.ProviderAnswered();
        slot.Release();
        Assert.Equal(2, capacity.Calls.Free);
        Assert.Equal(2, providerCalls.CurrentCount);
        Assert.Equal(2, capacity.Writes.CurrentCount);
        await capacity.WaitForAllAsync().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    private static (SweepCapacity Capacity, SemaphoreSlim ProviderCalls, SweepSlot Slot) TakeOnePlace(int maxConcurrency)
    {
        var capacity = new SweepCapacity(maxConcurrency);
        var providerCalls = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        Assert.True(capacity.Calls.TryTake());
        Assert.True(providerCalls.Wait(0, TestContext.Current.CancellationToken));
        return (capacity, providerCalls, new SweepSlot(capacity, providerCalls));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "Timed out waiting for the hand-over.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}

using OAuth2Capture.Background;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// The sweep's provider-call places: a place given back while the sweep waits goes to it at once, on the giving thread, so
/// the next row's call does not wait for a pool thread; a cancelled wait takes no place.
/// </summary>
public sealed class CallPlacesTests
{
    [Fact]
    public void A_place_given_back_runs_the_waiter_on_the_giving_thread_before_Release_returns()
    {
        var places = new CallPlaces(1);
        Assert.True(places.TryTake());
        int? resumedOn = null;
        var waiting = ResumeAsync(places, () => resumedOn = Environment.CurrentManagedThreadId);
        Assert.Null(resumedOn);

        places.Release();

        Assert.Equal(Environment.CurrentManagedThreadId, resumedOn);
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal(0, places.Free); // the place went to the waiter, not to the count
    }

    [Fact]
    public async Task A_cancelled_wait_takes_no_place_and_the_next_one_given_back_goes_to_the_next_waiter()
    {
        var places = new CallPlaces(1);
        Assert.True(places.TryTake());
        using var impatient = new CancellationTokenSource();
        var cancelled = places.TakeAsync(impatient.Token);
        var patient = places.TakeAsync(TestContext.Current.CancellationToken);

        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        places.Release();

        Assert.True(patient.IsCompletedSuccessfully);
        Assert.Equal(0, places.Free);
        places.Release();
        Assert.Equal(1, places.Free);
    }

    [Fact]
    public async Task Places_are_never_more_than_the_count_under_concurrent_takers()
    {
        const int count = 3;
        var places = new CallPlaces(count);
        var holding = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await places.TakeAsync(TestContext.Current.CancellationToken);
                var now = Interlocked.Increment(ref holding);
                InterlockedMax(ref most, now);
                await Task.Yield();
                Interlocked.Decrement(ref holding);
                places.Release();
            }
        }, TestContext.Current.CancellationToken)));

        Assert.InRange(most, 1, count);
        Assert.Equal(count, places.Free);
    }

    private static async Task ResumeAsync(CallPlaces places, Action resumed)
    {
        await places.TakeAsync(TestContext.Current.CancellationToken);
        resumed();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

using System.Diagnostics;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>The peaks one <see cref="LiveMemorySampler"/> saw.</summary>
/// <param name="PeakLiveBytesAboveBaseline">The highest live managed set, minus the one measured at the start.</param>
/// <param name="PeakLiveBytes">The highest live managed set (absolute: the hosts, caches and pools of the whole process).</param>
/// <param name="PeakWorkingSetBytes">The highest working set of the process (absolute: it includes what earlier phases left mapped).</param>
/// <param name="Samples">How many samples were taken.</param>
/// <param name="SamplingTime">The time spent taking them (each one a full, blocking collection), the sampler's cost.</param>
internal readonly record struct MemoryPeaks(long PeakLiveBytesAboveBaseline, long PeakLiveBytes, long PeakWorkingSetBytes, int Samples, TimeSpan SamplingTime);

/// <summary>
/// Samples the live managed set (<see cref="GC.GetTotalMemory(bool)"/> after a full collection) and the process's working set
/// every <see cref="Period"/>, from a baseline taken at the start. The live set, not the heap size: uncollected garbage
/// depends on GC timing and load (the scale test saw the heap figure swing from +15 to +54 MiB for the same sweep).
/// </summary>
/// <remarks>
/// Each sample is a few full, blocking collections (tens of milliseconds on two loaded cores). At the scale test's 200 ms the
/// sampler took a fifth of a CPU-bound sweep's wall time, so it samples every second: a streamed sweep's live set is flat for
/// minutes, and a peak held for less than a second is not what the target is about. The ceiling client runs under a sampler
/// too, so the cost falls on both sides of the efficiency ratio; <see cref="MemoryPeaks.SamplingTime"/> reports it.
/// </remarks>
internal sealed class LiveMemorySampler : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource stop = new();
    private readonly long baseline;
    private readonly Task sampling;
    private long peakLive;
    private long lastLive;
    private long peakWorkingSet;
    private int samples;
    private long samplingTicks;

    private LiveMemorySampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        baseline = GC.GetTotalMemory(forceFullCollection: true);
        peakLive = baseline;
        lastLive = baseline;
        sampling = Task.Run(SampleAsync, CancellationToken.None);
    }

    /// <summary>Gets the live managed set of the last sample, above the baseline.</summary>
    public long LastLiveBytesAboveBaseline => Interlocked.Read(ref lastLive) - baseline;

    /// <summary>Takes the baseline (after a full collection) and starts sampling.</summary>
    public static LiveMemorySampler Start() => new();

    /// <summary>Takes a last sample, stops, and returns the peaks.</summary>
    public async Task<MemoryPeaks> StopAsync()
    {
        await stop.CancelAsync();
        await sampling;
        Sample();
        return new MemoryPeaks(Interlocked.Read(ref peakLive) - baseline, Interlocked.Read(ref peakLive), Interlocked.Read(ref peakWorkingSet), samples, Stopwatch.GetElapsedTime(0, samplingTicks));
    }

    private async Task SampleAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Sample();
            try
            {
                await Task.Delay(Period, TimeProvider.System, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sample()
    {
        var started = Stopwatch.GetTimestamp();
        var live = GC.GetTotalMemory(forceFullCollection: true);
        Interlocked.Exchange(ref lastLive, live);
        InterlockedMax(ref peakLive, live);
        using var process = Process.GetCurrentProcess();
        InterlockedMax(ref peakWorkingSet, process.WorkingSet64);
        samples++;
        samplingTicks += Stopwatch.GetTimestamp() - started;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
            await sampling;
        }

        stop.Dispose();
    }
}

using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// Two refreshers (two app instances, each with its own single flight) sweeping the same SQLite file against an instant
/// token endpoint: every due connection is refreshed exactly once, and peak managed memory does not grow with the rows.
/// </summary>
/// <remarks>Runs alone: <see cref="GC.GetTotalMemory"/> is process-wide, so other tests' allocations would blur the peak.</remarks>
[Collection(nameof(MeasuresProcessMemory))]
public sealed class BackgroundRefresherScaleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Rows of the large sweep: <c>OAUTH2CAPTURE_SWEEP_ROWS</c> (10000 for the figures; the default keeps
    /// the suite short, since SQLite write latency bounds the sweep to tens of rows per second on a disk).</summary>
    private static int LargeRows => int.TryParse(Environment.GetEnvironmentVariable("OAUTH2CAPTURE_SWEEP_ROWS"), out var rows) ? rows : 2_000;

    [Fact]
    public async Task Two_refreshers_sweeping_many_due_connections_refresh_each_exactly_once_and_memory_stays_flat()
    {
        var small = await SweepAsync(LargeRows / 10);
        var large = await SweepAsync(LargeRows);

        var figures = $"{LargeRows / 10} rows: {small.Elapsed.TotalSeconds:F2} s, {small.RowsPerSecond:F0} rows/s, peak +{small.PeakBytes / 1048576.0:F1} MiB; " +
            $"{LargeRows} rows: {large.Elapsed.TotalSeconds:F2} s, {large.RowsPerSecond:F0} rows/s, peak +{large.PeakBytes / 1048576.0:F1} MiB";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "oauth2capture-background-figures.txt"), figures + Environment.NewLine, Ct);

        // Ten times the rows must not mean ten times the memory: the sweep holds one page and a bounded number of refreshes.
        Assert.True(large.PeakBytes < (small.PeakBytes * 3) + (16 * 1048576L), figures);
    }

    private static async Task<SweepFigures> SweepAsync(int rows)
    {
        await using var fake = await FakeTokenEndpoint.StartAsync();
        using var db = new SharedDatabase();
        static void Settings(OAuth2Capture.Background.OAuth2CaptureBackgroundRefreshOptions o)
        {
            o.MaxConcurrency = 8;
            o.MaxConcurrencyPerProvider = 8;
        }

        await using var a = await BackgroundHarness.StartAsync(db, fake: fake, background: Settings);
        await using var b = await BackgroundHarness.StartAsync(db, fake: fake, background: Settings);
        await a.SeedManyAsync(rows, a.Clock.GetUtcNow().AddMinutes(5), Ct);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        // Sample the live set (a full collection first), not the heap size: uncollected garbage depends on GC timing and
        // machine load, and made the figure swing from +15 to +54 MiB for the same sweep.
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(200, CancellationToken.None);
            }
        }, CancellationToken.None);

        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(a.Refresher.RunOnceAsync(Ct), b.Refresher.RunOnceAsync(Ct));
        watch.Stop();
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(rows, results.Sum(r => r.Refreshed));
        Assert.Equal(rows, fake.CallsPerRefreshToken.Count);
        Assert.All(fake.CallsPerRefreshToken, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(rows, fake.Calls);
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            Assert.Equal(rows, await context.Set<OAuthToken>().CountAsync(t => t.LastRefreshedAt != null, Ct));
        }

        return new SweepFigures(watch.Elapsed, rows / watch.Elapsed.TotalSeconds, peak - baseline);
    }

    private sealed record SweepFigures(TimeSpan Elapsed, double RowsPerSecond, long PeakBytes);
}

/// <summary>Tests that measure process-wide memory, run without other tests in parallel.</summary>
[CollectionDefinition(nameof(MeasuresProcessMemory), DisableParallelization = true)]
public sealed class MeasuresProcessMemory;

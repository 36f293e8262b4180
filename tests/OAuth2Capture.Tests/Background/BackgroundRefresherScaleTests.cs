using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Background;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Storage;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// Two refreshers (two app instances, each with its own single flight) sweeping the same database (a SQLite file, and a
/// PostgreSQL database) against an instant token endpoint: every due connection is refreshed exactly once, with one write
/// each (the result) plus one lease claim per batch of due rows, and peak managed memory does not grow with the rows.
/// </summary>
/// <remarks>Runs alone: <see cref="GC.GetTotalMemory"/> is process-wide, so other tests' allocations would blur the peak.</remarks>
[Collection(nameof(MeasuresProcessMemory))]
public sealed class BackgroundRefresherScaleTests
{
    private static readonly string FiguresPath = Path.Combine(Path.GetTempPath(), "oauth2capture-background-figures.txt");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Rows of the large sweep: <c>OAUTH2CAPTURE_SWEEP_ROWS</c> (10000 for the figures; the default keeps
    /// the suite short, since SQLite write latency bounds the sweep to about a hundred rows per second on a disk).</summary>
    private static int LargeRows => int.TryParse(Environment.GetEnvironmentVariable("OAUTH2CAPTURE_SWEEP_ROWS"), out var rows) ? rows : 2_000;

    [Theory]
    [MemberData(nameof(SharedDatabase.Engines), MemberType = typeof(SharedDatabase))]
    public async Task Two_refreshers_sweeping_many_due_connections_refresh_each_exactly_once_and_memory_stays_flat(OAuth2CaptureStoreProvider engine)
    {
        var small = await SweepAsync(engine, LargeRows / 10);
        var large = await SweepAsync(engine, LargeRows);

        var figures = $"{engine}: {LargeRows / 10} rows: {small.Elapsed.TotalSeconds:F2} s, {small.RowsPerSecond:F0} rows/s, peak +{small.PeakBytes / 1048576.0:F1} MiB, {small.LostClaims} claims lost to the other sweep; " +
            $"{LargeRows} rows: {large.Elapsed.TotalSeconds:F2} s, {large.RowsPerSecond:F0} rows/s, peak +{large.PeakBytes / 1048576.0:F1} MiB, {large.LostClaims} claims lost to the other sweep";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        await WriteFiguresAsync(engine, figures);

        // Ten times the rows must not mean ten times the memory: the sweep holds one page and a bounded number of refreshes.
        Assert.True(large.PeakBytes < (small.PeakBytes * 3) + (16 * 1048576L), figures);
    }

    /// <summary>One line per engine in the file .ci/run prints; a later run of one engine replaces its own line only (and
    /// drops lines of no engine, left by older runs).</summary>
    private static async Task WriteFiguresAsync(OAuth2CaptureStoreProvider engine, string figures)
    {
        var lines = File.Exists(FiguresPath) ? await File.ReadAllLinesAsync(FiguresPath, Ct) : [];
        var others = Enum.GetNames<OAuth2CaptureStoreProvider>().Where(name => name != engine.ToString()).Select(name => name + ":").ToList();
        var kept = lines.Where(line => others.Any(prefix => line.StartsWith(prefix, StringComparison.Ordinal)));
        await File.WriteAllLinesAsync(FiguresPath, kept.Append(figures).Order(StringComparer.Ordinal), Ct);
    }

    private static async Task<SweepFigures> SweepAsync(OAuth2CaptureStoreProvider engine, int rows)
    {
        await using var db = await SharedDatabase.CreateAsync(engine, Ct);
        await using var fake = await FakeTokenEndpoint.StartAsync();
        static void Settings(OAuth2CaptureBackgroundRefreshOptions o)
        {
            o.MaxConcurrency = 8;
            o.MaxConcurrencyPerProvider = 8;
        }

        var settings = new OAuth2CaptureBackgroundRefreshOptions();
        Settings(settings);
        var batches = (rows + BackgroundTokenRefresher.ClaimBatchSize(settings) - 1) / BackgroundTokenRefresher.ClaimBatchSize(settings);

        var commands = new CommandCounter();
        await using var a = await BackgroundHarness.StartAsync(db, fake: fake, background: Settings, services: BackgroundHarness.CountCommands(commands));
        await using var b = await BackgroundHarness.StartAsync(db, fake: fake, background: Settings, services: BackgroundHarness.CountCommands(commands));
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

        var (writesBefore, lostBefore, readsBefore) = (commands.Writes, commands.LostWrites, commands.Selects);
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(a.Refresher.RunOnceAsync(Ct), b.Refresher.RunOnceAsync(Ct));
        watch.Stop();
        var (writes, lost, reads) = (commands.Writes - writesBefore, commands.LostWrites - lostBefore, commands.Selects - readsBefore);
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(rows, results.Sum(r => r.Refreshed));
        Assert.Equal(rows, fake.CallsPerRefreshToken.Count);
        Assert.All(fake.CallsPerRefreshToken, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(rows, fake.Calls);

        // Per refreshed row: the result, nothing else (no claim of its own, no bookkeeping write); per batch of due rows, one
        // lease claim by each sweep at most. A claim the other sweep won changes nothing (its loser re-reads and skips the row).
        Assert.InRange(writes - lost, rows + 1, rows + (2 * batches));

        // No re-read of a claimed row. Both sweeps read every row in their first page; for each row, the sweep whose batch
        // lost it re-reads it alone (and skips it), plus at most one read per batch to learn which rows it won, plus each
        // sweep's page reads and connection count (three queries). Without batch claims, both sweeps re-read every row.
        Assert.True(reads <= rows + (2 * batches) + (2 * 3), $"{reads} queries for {rows} rows");
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            Assert.Equal(rows, await context.Set<OAuthToken>().CountAsync(t => t.LastRefreshedAt != null, Ct));
        }

        return new SweepFigures(watch.Elapsed, rows / watch.Elapsed.TotalSeconds, peak - baseline, lost);
    }

    private sealed record SweepFigures(TimeSpan Elapsed, double RowsPerSecond, long PeakBytes, int LostClaims);
}

/// <summary>Tests that measure process-wide memory, run without other tests in parallel.</summary>
[CollectionDefinition(nameof(MeasuresProcessMemory), DisableParallelization = true)]
public sealed class MeasuresProcessMemory;

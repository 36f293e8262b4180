using System.Diagnostics;
using OAuth2Capture.Benchmarks.Http;
using OAuth2Capture.Benchmarks.Micro;
using OAuth2Capture.Benchmarks.Sweep;
using OAuth2Capture.Benchmarks.Infrastructure;

namespace OAuth2Capture.Benchmarks.Storm;

/// <summary>
/// The CI smoke run (seconds): the micro-benchmarks' set-up and one call of each benchmark, then a small storm and a small
/// sweep, with the targets asserted. Returns 1 when a target is missed so the benchmarks never rot.
/// </summary>
/// <remarks>
/// Counts (token-endpoint calls, failures, store round trips) must hold on every attempt. Timings on a shared machine
/// are noisy, so the storm is run up to <see cref="TimingAttempts"/> times and a timing target missed on all of them is
/// printed as a note, not a failure.
/// </remarks>
internal static class SmokeCommand
{
    public const int TimingAttempts = 3;

    public static readonly StormSettings Defaults = new(Callers: 50, Singles: 5, Timeout: TimeSpan.FromSeconds(60), Instances: 2);

    /// <summary>Scenario 4 in miniature: one page of due connections, an instant token endpoint, the ceiling measured once.</summary>
    public static readonly SweepSettings SweepDefaults = new(
        [200], [BenchStore.Sqlite], TimeSpan.Zero, Concurrency: 8, TimeSpan.FromSeconds(120), CeilingDuration: TimeSpan.Zero);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        var settings = StormSettings.Parse(args, Defaults);
        var failures = new List<string>();

        var micro = new ValidTokenBenchmarks();
        await micro.SetupAsync();
        try
        {
            _ = await micro.StoreReadByHand();
            _ = await micro.GetValidToken();
            _ = await micro.StoreReadByHandSharedScope();
            _ = await micro.GetValidTokenSharedScope();
            _ = await micro.GetValidTokenCached();
            _ = await micro.GetValidTokenCachedSharedScope();
            output.WriteLine("micro-benchmarks: set-up and one call of each benchmark ran");
        }
        finally
        {
            await micro.CleanupAsync();
        }

        await RunHttpBenchmarksAsync(failures, output);
        await RunApiClientAsync(failures, output);

        StormReport? report = null;
        var timing = new List<string>();
        for (var attempt = 1; attempt <= TimingAttempts; attempt++)
        {
            output.WriteLine($"storm attempt {attempt}:");
            report = await new StormRunner(settings, output).RunAsync(CancellationToken.None);
            var library = report.Library;
            Check(failures, report.ValidPathStoreCommands == 1, $"valid path: {report.ValidPathStoreCommands} store round trips per call, target 1");
            foreach (var run in new[] { library, report.Cached, report.Spread! })
            {
                Check(failures, run.RefreshCalls == 1, $"storm ({run.Implementation}): {run.RefreshCalls} token-endpoint refresh calls, target 1");
                Check(failures, run.Failures == 0, $"storm ({run.Implementation}): {run.Failures} callers failed ({run.TopError}), target 0");
                Check(failures, run.DistinctTokens == 1, $"storm ({run.Implementation}): {run.DistinctTokens} distinct access tokens handed out, target 1");
                Check(failures, run.SurvivesNextRefresh, $"storm ({run.Implementation}): the connection could not be refreshed afterwards");
            }

            if (failures.Count > 0)
            {
                break;
            }

            timing.Clear();
            Check(timing, library.Ratio < 3, $"storm: wall time {library.Ratio:0.00}x a single refresh, target under 3x");
            Check(timing, library.OverFloor < 3, $"storm: the expiry added {library.OverFloor:0.00}x a single refresh to the same callers' wall time, target under 3x");
            if (timing.Count == 0)
            {
                break;
            }
        }

        // Timing on a shared 2-core machine is reported, never a CI failure: speed targets live in the benchmark
        // runs of docs/performance.md, counts (calls, failures, round trips) are what CI guards.
        output.WriteLine();
        foreach (var miss in timing)
        {
            output.WriteLine($"smoke note (timing, not a failure): {miss}");
        }

        output.Write(report!.ToMarkdown());
        await RunSweepAsync(failures, output);

        foreach (var failure in failures)
        {
            output.WriteLine($"SMOKE FAILED: {failure}");
        }

        output.WriteLine(failures.Count == 0 ? "smoke: all targets met" : $"smoke: {failures.Count} target(s) missed");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Scenarios 1 and 2: the set-up and one request of each benchmark, with the deterministic targets asserted (store
    /// round trips per request: at most 1 behind <c>.RequireOAuthToken</c>, exactly 1 for the status whatever the number
    /// of providers). The single requests' times are printed for information only.
    /// </summary>
    private static async Task RunHttpBenchmarksAsync(List<string> failures, TextWriter output)
    {
        var protectedRequest = new ProtectedRequestBenchmarks();
        await protectedRequest.SetupAsync();
        try
        {
            var byHand = await TimeAsync(protectedRequest.ByHand);
            var library = await TimeAsync(protectedRequest.RequireOAuthToken);
            var cached = await TimeAsync(protectedRequest.RequireOAuthTokenCached);
            output.WriteLine(
                $"protected request: store round trips {protectedRequest.LibraryStoreCommands} (by hand {protectedRequest.ByHandStoreCommands}, " +
                $"token cache on {protectedRequest.CachedStoreCommands}); one request {library:0.000} ms (by hand {byHand:0.000} ms, cached {cached:0.000} ms, not asserted)");
            Check(failures, protectedRequest.LibraryStoreCommands <= 1, $"protected request: {protectedRequest.LibraryStoreCommands} store round trips per request, target at most 1");
            Check(failures, protectedRequest.CachedStoreCommands == 0, $"protected request, token cache on: {protectedRequest.CachedStoreCommands} store round trips per request, target 0");
        }
        finally
        {
            await protectedRequest.CleanupAsync();
        }

        foreach (var providers in new[] { 1, 10, 50 })
        {
            var status = new StatusMiddlewareBenchmarks { Providers = providers };
            await status.SetupAsync();
            try
            {
                var byHand = await TimeAsync(status.ByHand);
                var library = await TimeAsync(status.Status);
                output.WriteLine(
                    $"status middleware, {providers} providers: store queries {status.LibraryStoreCommands} (by hand {status.ByHandStoreCommands}); " +
                    $"one request {library:0.000} ms (by hand {byHand:0.000} ms, not asserted)");
                Check(failures, status.LibraryStoreCommands == 1, $"status middleware, {providers} providers: {status.LibraryStoreCommands} store queries per request, target exactly 1");
            }
            finally
            {
                await status.CleanupAsync();
            }
        }
    }

    /// <summary>
    /// The app's API client: one call of each <see cref="ApiHandlerBenchmarks"/> benchmark, then the 401 storm of 100
    /// callers with its counts asserted (one refresh call at the provider, every caller told the grant is revoked).
    /// </summary>
    private static async Task RunApiClientAsync(List<string> failures, TextWriter output)
    {
        var api = new ApiHandlerBenchmarks();
        await api.SetupAsync();
        try
        {
            _ = await api.WrittenByHand();
            _ = await api.ThroughTheHandler();
        }
        finally
        {
            await api.CleanupAsync();
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var storm = await ApiRejectionStorm.RunAsync(100, bound.Token);
        output.WriteLine($"API 401 storm: {storm.Callers} callers, {storm.RefreshCalls} token-endpoint refresh call(s), {storm.Revoked} told revoked, {storm.Elapsed.TotalMilliseconds:0} ms (not asserted)");
        Check(failures, storm.RefreshCalls == 1, $"API 401 storm: {storm.RefreshCalls} token-endpoint refresh calls, target 1");
        Check(failures, storm.Revoked == storm.Callers, $"API 401 storm: {storm.Revoked} of {storm.Callers} callers told revoked, target all");
    }

    /// <summary>
    /// Scenario 4: a 200-row sweep on SQLite with the counts asserted (every row refreshed exactly once, by the token
    /// endpoint's count, the meter, event 5002 and the store; nothing failed). Its rate and memory are printed, never asserted.
    /// </summary>
    private static async Task RunSweepAsync(List<string> failures, TextWriter output)
    {
        output.WriteLine();
        using var bound = new CancellationTokenSource(SweepDefaults.Timeout);
        var result = await new SweepRunner(SweepDefaults, output).RunAsync(BenchStore.Sqlite, SweepDefaults.Rows[0], bound.Token);
        output.Write(SweepReport.ToMarkdown([result]));
        Check(failures, result.RefreshedOnce, $"sweep: {string.Join("; ", result.Problems)}");
    }

    private static async Task<double> TimeAsync(Func<Task<string>> request)
    {
        var started = Stopwatch.GetTimestamp();
        _ = await request();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static void Check(List<string> failures, bool met, string message)
    {
        if (!met)
        {
            failures.Add(message);
        }
    }
}

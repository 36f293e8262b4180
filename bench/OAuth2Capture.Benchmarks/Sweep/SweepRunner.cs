using System.Diagnostics;
using System.Globalization;
using OAuth2Capture.Benchmarks.Infrastructure;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// Scenario 4, one sweep: seeds N due connections with a host whose background refresh is off, measures the provider's
/// ceiling with a plain client, starts the measuring host (background refresh on; its start-up sweep is the one measured)
/// and follows it through the refresher's public signals only (the <c>OAuth2Capture</c> meter and log event 5002), sampling
/// the live managed set; then verifies that every row was refreshed exactly once and measures the ceiling again.
/// </summary>
internal sealed class SweepRunner(SweepSettings settings, TextWriter output)
{
    public static readonly TimeSpan ProgressPeriod = TimeSpan.FromSeconds(10);

    /// <param name="store">The engine.</param>
    /// <param name="rows">The due connections to seed.</param>
    /// <param name="cancellationToken">The run's bound.</param>
    /// <param name="label">What the progress lines start with (default: the store); the row count is appended.</param>
    /// <returns>The figures and what the verification found.</returns>
    public async Task<SweepResult> RunAsync(BenchStore store, int rows, CancellationToken cancellationToken, string? label = null)
    {
        label = $"{label ?? SweepReport.StoreName(store)}, {rows} rows";
        output.WriteLine($"{label}: latency {settings.Latency.TotalMilliseconds:0} ms, concurrency {settings.Concurrency}, load average {LoadAverage.Read()}");
        await using var endpoint = await SweepTokenEndpoint.StartAsync(settings.Latency, rows, cancellationToken);
        await using var database = await BenchDatabase.CreateAsync(store, cancellationToken);

        var seeding = Stopwatch.GetTimestamp();
        await using (var seeder = await SweepAppHost.StartAsync(database, endpoint, concurrency: null, logging: null, cancellationToken))
        {
            await SweepSeeder.SeedAsync(seeder.Services, rows, cancellationToken);
        }

        output.WriteLine($"{label}: seeded in {Stopwatch.GetElapsedTime(seeding).TotalSeconds:0.0} s (not measured)");

        var ceilingCalls = Math.Min(rows, ProviderCeiling.MaxCalls);
        var (before, beforeCpu) = await MeasureCeilingAsync(endpoint, ceilingCalls, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: provider ceiling before the sweep {before:0} calls/s (rounds of {ceilingCalls} calls, at least {settings.CeilingDuration.TotalSeconds:0} s), process CPU {beforeCpu:0.00} ms a call"));
        if (store == BenchStore.PostgreSql)
        {
            await using var written = await WrittenCeiling.CreateAsync(database.ConnectionString, settings.Concurrency, cancellationToken);
            var (withWrites, writtenCpu) = await MeasureCeilingAsync(endpoint, ceilingCalls, cancellationToken, written);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: the same client with one plain Npgsql write per answer beside the calls {withWrites:0} calls/s = {withWrites / before:P1} of the ceiling (a call and a write per row, nothing else), process CPU {writtenCpu:0.00} ms a call"));
        }

        using var instruments = new BackgroundInstrumentsListener();
        using var commands = new StoreCommandListener();
        var completion = new SweepCompletedLoggerProvider();
        var problems = new List<string>();
        SweepCompletion? done = null;
        MemoryPeaks peaks;
        StoreCommandCounts counts;
        TimeSpan waited;
        TimeSpan cpu;
        using var process = Process.GetCurrentProcess();
        var otherCallsBefore = endpoint.OtherCalls;
        await using (var sampler = LiveMemorySampler.Start())
        {
            var started = Stopwatch.GetTimestamp();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
            var pausedBefore = GC.GetTotalPauseDuration();
            await using var app = await SweepAppHost.StartAsync(database, endpoint, settings.Concurrency, completion, cancellationToken);
            try
            {
                done = await WaitWithProgressAsync(label, rows, completion.Completed, instruments, sampler, started, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                problems.Add($"the run's --timeout ({settings.Timeout.TotalSeconds:0} s) ended the sweep after {instruments.Refreshed} of {rows} rows");
            }
            catch (InvalidOperationException exception)
            {
                problems.Add(exception.Message);
            }

            waited = Stopwatch.GetElapsedTime(started);
            var paused = GC.GetTotalPauseDuration() - pausedBefore;
            var allocatedPerRow = (GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / (double)rows / 1024;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: while it swept, the process allocated {allocatedPerRow:0.0} KiB a row (the in-process token endpoint included) and stood paused for garbage collections {paused.TotalSeconds:0.00} s, {paused / waited:P1} of the time (the memory sampler's full collections included)"));
            process.Refresh();
            cpu = process.TotalProcessorTime - cpuBefore;
            peaks = await sampler.StopAsync();
            counts = commands.Counts;
            if (done is not null)
            {
                problems.AddRange(await SweepVerifier.VerifyAsync(app, endpoint, otherCallsBefore, instruments, done, rows, cancellationToken));
            }
        }

        double? after = null;
        if (done is not null)
        {
            (after, _) = await MeasureCeilingAsync(endpoint, ceilingCalls, cancellationToken);
            output.WriteLine($"{label}: provider ceiling after the sweep {after:0} calls/s");
        }

        var result = new SweepResult(store, rows, settings.Latency, settings.Concurrency, before, after, instruments.Refreshed,
            instruments.SweepDuration ?? done?.Elapsed ?? waited, peaks, counts, cpu, problems, LoadAverage.Read());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {result.Refreshed} refreshed in {result.SweepWall.TotalSeconds:0.0} s = {result.RowsPerSecond:0} rows/s, " +
            $"{result.Efficiency:P1} of the ceiling; peak live managed +{SweepReport.MiB(peaks.PeakLiveBytesAboveBaseline)} MiB " +
            $"({peaks.Samples} samples, {peaks.SamplingTime.TotalSeconds:0.0} s spent sampling); {result.ProcessCpu.TotalSeconds:0.0} s process CPU; " +
            $"{(problems.Count == 0 ? "every row refreshed exactly once" : "PROBLEMS: " + string.Join("; ", problems))}; load average {result.LoadAverage}"));
        return result;
    }

    /// <summary>The ceiling client (with one plain write per answer when <paramref name="written"/> is given) under a memory
    /// sampler, so the sampler's full collections cost both sides of the ratio.</summary>
    /// <returns>The calls a second, and the process CPU a call (both sides of the in-process call, and the write if any).</returns>
    private async Task<(double PerSecond, double CpuMsPerCall)> MeasureCeilingAsync(SweepTokenEndpoint endpoint, int calls, CancellationToken cancellationToken, WrittenCeiling? written = null)
    {
        await using var sampler = LiveMemorySampler.Start();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var callsBefore = endpoint.OtherCalls;
        var perSecond = written is null
            ? await ProviderCeiling.MeasureAsync(endpoint, settings.Concurrency, calls, settings.CeilingDuration, cancellationToken)
            : await written.MeasureAsync(endpoint, settings.Concurrency, calls, settings.CeilingDuration, cancellationToken);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        _ = await sampler.StopAsync();
        return (perSecond, cpu.TotalMilliseconds / Math.Max(1, endpoint.OtherCalls - callsBefore));
    }

    private async Task<SweepCompletion> WaitWithProgressAsync(
        string label, int rows, Task<SweepCompletion> completed, BackgroundInstrumentsListener instruments, LiveMemorySampler sampler, long started,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var finished = await Task.WhenAny(completed, Task.Delay(ProgressPeriod, TimeProvider.System, cancellationToken));
            if (finished == completed)
            {
                return await completed;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var refreshed = instruments.Refreshed;
            var rate = refreshed / elapsed;
            var remaining = rate > 0 ? $", about {(rows - refreshed) / rate:0} s to go" : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {refreshed}/{rows} refreshed after {elapsed:0} s ({rate:0} rows/s){remaining}; live managed {SweepReport.SignedMiB(sampler.LastLiveBytesAboveBaseline)} MiB; load average {LoadAverage.Read()}"));
        }
    }
}

using OAuth2Capture.Benchmarks.Infrastructure;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// The <c>sweep</c> mode (scenario 4): one sweep per store and row count, printed as a Markdown table. Exits 1 when a row
/// was not refreshed exactly once, something failed, or the run hit its <c>--timeout</c>.
/// </summary>
internal static class SweepCommand
{
    /// <summary>The rows of the unreported sweep that runs first on each store, so that JIT, EF Core's first query compilations and
    /// the one-time caches land neither on the first measured sweep's rate nor above its memory baseline.</summary>
    public const int WarmUpRows = 200;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        var settings = SweepSettings.Parse(args, SweepSettings.Defaults);
        var stores = settings.Stores.ToList();
        if (stores.Contains(BenchStore.PostgreSql) && BenchDatabase.PostgreSqlServer is null)
        {
            if (stores.Count == 1)
            {
                output.WriteLine($"sweep: --store postgres needs {BenchDatabase.PostgreSqlVariable}, a connection string to a server database whose role may create databases, " +
                    "for example 'Host=127.0.0.1;Port=5432;Username=oauth2capture;Password=oauth2capture;Database=postgres'.");
                return 1;
            }

            output.WriteLine($"sweep: PostgreSQL skipped: {BenchDatabase.PostgreSqlVariable} is not set (a connection string to a server database whose role may create databases).");
            stores.Remove(BenchStore.PostgreSql);
        }

        output.WriteLine(
            $"sweep: rows {string.Join(", ", settings.Rows)} on {string.Join(" and ", stores.Select(SweepReport.StoreName))}, token endpoint latency " +
            $"{settings.Latency.TotalMilliseconds:0} ms, concurrency {settings.Concurrency}, bounded to {settings.Timeout.TotalSeconds:0} s, 127.0.0.1 only; " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage.Read()}");

        var results = new List<SweepResult>();
        var failed = false;
        using var bound = new CancellationTokenSource(settings.Timeout);
        var runner = new SweepRunner(settings, output);
        foreach (var store in stores)
        {
            try
            {
                var warmUp = await runner.RunAsync(store, WarmUpRows, bound.Token, label: $"warm-up (not reported), {SweepReport.StoreName(store)}");
                failed |= !warmUp.RefreshedOnce;
            }
            catch (OperationCanceledException) when (bound.IsCancellationRequested)
            {
                output.WriteLine($"sweep: the run's --timeout ({settings.Timeout.TotalSeconds:0} s) ended the warm-up on {SweepReport.StoreName(store)}");
                failed = true;
                break;
            }

            foreach (var rows in settings.Rows)
            {
                try
                {
                    var result = await runner.RunAsync(store, rows, bound.Token);
                    results.Add(result);
                    failed |= !result.RefreshedOnce;
                }
                catch (OperationCanceledException) when (bound.IsCancellationRequested)
                {
                    output.WriteLine($"sweep: the run's --timeout ({settings.Timeout.TotalSeconds:0} s) ended {SweepReport.StoreName(store)}, {rows} rows before its sweep started");
                    failed = true;
                }

                if (bound.IsCancellationRequested)
                {
                    break;
                }
            }

            if (bound.IsCancellationRequested)
            {
                break;
            }
        }

        output.WriteLine();
        output.Write(SweepReport.ToMarkdown(results));
        foreach (var result in results.Where(r => !r.RefreshedOnce))
        {
            output.WriteLine($"SWEEP FAILED ({SweepReport.StoreName(result.Store)}, {result.Rows} rows): {string.Join("; ", result.Problems)}");
        }

        output.WriteLine($"sweep: load average at the end {LoadAverage.Read()}");
        return failed ? 1 : 0;
    }
}

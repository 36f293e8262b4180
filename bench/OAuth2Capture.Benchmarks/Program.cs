using BenchmarkDotNet.Running;
using OAuth2Capture.Benchmarks.Storm;
using OAuth2Capture.Benchmarks.Sweep;

// dotnet run -c Release --project bench/OAuth2Capture.Benchmarks -- storm [--callers 1000] [--singles 5] [--timeout 180] [--instances 3 --store sqlite|postgres]
// dotnet run -c Release --project bench/OAuth2Capture.Benchmarks -- sweep [--rows 10000,100000] [--store sqlite|postgres|both] [--latency-ms 20] [--concurrency 8] [--timeout 3600]
// dotnet run -c Release --project bench/OAuth2Capture.Benchmarks -- smoke [--callers 100]
// dotnet run -c Release --project bench/OAuth2Capture.Benchmarks -- --filter '*' [--job short]   (BenchmarkDotNet)
return args.FirstOrDefault() switch
{
    "storm" => await StormCommand.RunAsync(args[1..], Console.Out),
    "sweep" => await SweepCommand.RunAsync(args[1..], Console.Out),
    "smoke" => await SmokeCommand.RunAsync(args[1..], Console.Out),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(StormCommand).Assembly).Run(args);
    return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
}

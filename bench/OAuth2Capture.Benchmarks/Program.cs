using BenchmarkDotNet.Running;
using OAuth2Capture.Benchmarks.Storm;

// dotnet run -c Release --project bench/OAuth2Capture.Benchmarks -- storm [--callers 1000] [--singles 5] [--timeout 180]
// dotnet run -c Release --project bench/OAuth2Capture.Benchmarks -- smoke [--callers 100]
// dotnet run -c Release --project bench/OAuth2Capture.Benchmarks -- --filter '*' [--job short]   (BenchmarkDotNet)
return args.Length > 0 && args[0] is "storm" or "smoke"
    ? args[0] == "storm"
        ? await StormCommand.RunAsync(args[1..], Console.Out)
        : await SmokeCommand.RunAsync(args[1..], Console.Out)
    : RunBenchmarks(args);

static int RunBenchmarks(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(StormCommand).Assembly).Run(args);
    return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
}

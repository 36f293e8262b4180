using System.Globalization;
using OAuth2Capture.Benchmarks.Infrastructure;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// The bounds of a sweep run, from the command line
/// (<c>--rows 10000,100000 --store sqlite|postgres|both --latency-ms 20 --concurrency 8 --timeout SECONDS</c>).
/// </summary>
/// <param name="Rows">The numbers of due connections, one sweep each, smallest first.</param>
/// <param name="Stores">The engines, each swept at every row count.</param>
/// <param name="Latency">How long the token endpoint waits before answering each refresh.</param>
/// <param name="Concurrency">The refresher's <c>MaxConcurrency</c> and <c>MaxConcurrencyPerProvider</c>, and the ceiling client's callers.</param>
/// <param name="Timeout">The bound on the whole run (every store and row count).</param>
/// <param name="CeilingDuration">The least time one ceiling measurement takes (rounds of calls are repeated until it has passed).</param>
internal sealed record SweepSettings(IReadOnlyList<int> Rows, IReadOnlyList<BenchStore> Stores, TimeSpan Latency, int Concurrency, TimeSpan Timeout, TimeSpan CeilingDuration)
{
    public const int MaxRows = 1_000_000;

    public static readonly SweepSettings Defaults = new(
        [10_000, 100_000], [BenchStore.Sqlite, BenchStore.PostgreSql], TimeSpan.FromMilliseconds(20), Concurrency: 8, TimeSpan.FromSeconds(3600), CeilingDuration: TimeSpan.FromSeconds(3));

    public static SweepSettings Parse(IReadOnlyList<string> args, SweepSettings defaults)
    {
        var settings = defaults;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--rows" => settings with { Rows = [.. value.Split(',').Select(rows => ParseInRange(args[i], rows.Trim(), 1, MaxRows)).Distinct().Order()] },
                "--store" => settings with { Stores = ParseStores(value) },
                "--latency-ms" => settings with { Latency = TimeSpan.FromMilliseconds(ParseInRange(args[i], value, 0, 10_000)) },
                "--concurrency" => settings with { Concurrency = ParseInRange(args[i], value, 1, 256) },
                "--timeout" => settings with { Timeout = TimeSpan.FromSeconds(ParseInRange(args[i], value, 1, 86_400)) },
                _ => throw new ArgumentException($"Unknown option {args[i]} (expected --rows, --store, --latency-ms, --concurrency or --timeout)."),
            };
            i++;
        }

        return settings;
    }

    private static BenchStore[] ParseStores(string value) => value switch
    {
        "sqlite" => [BenchStore.Sqlite],
        "postgres" => [BenchStore.PostgreSql],
        "both" => [BenchStore.Sqlite, BenchStore.PostgreSql],
        _ => throw new ArgumentException($"--store must be sqlite, postgres or both, not '{value}'."),
    };

    private static int ParseInRange(string name, string value, int min, int max)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'.");
}

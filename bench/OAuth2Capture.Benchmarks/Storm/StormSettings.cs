using System.Globalization;
using OAuth2Capture.Benchmarks.Infrastructure;

namespace OAuth2Capture.Benchmarks.Storm;

/// <summary>
/// The bounds of a storm run, from the command line
/// (<c>--callers N --singles K --timeout SECONDS [--instances I --store sqlite|postgres] [--library-only]</c>).
/// </summary>
/// <param name="Callers">Concurrent callers per storm.</param>
/// <param name="Singles">Single refreshes whose median is the reference.</param>
/// <param name="Timeout">The bound on the whole run.</param>
/// <param name="Instances">With more than 1, one more storm spreads the callers over that many app instances on one store.</param>
/// <param name="Store">The store those instances share.</param>
/// <param name="LibraryOnly">Runs only the library's storm (no naive baseline, no token cache), so that a trace or a counter
/// session of the process sees nothing else.</param>
internal sealed record StormSettings(int Callers, int Singles, TimeSpan Timeout, int Instances = 1, BenchStore Store = BenchStore.Sqlite, bool LibraryOnly = false)
{
    public const int MaxCallers = 10_000;

    public const int MaxInstances = 8;

    public static StormSettings Parse(IReadOnlyList<string> args, StormSettings defaults)
    {
        var settings = defaults;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--library-only")
            {
                settings = settings with { LibraryOnly = true };
                continue;
            }

            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--callers" => settings with { Callers = ParseInRange(args[i], value, 1, MaxCallers) },
                "--singles" => settings with { Singles = ParseInRange(args[i], value, 1, 50) },
                "--timeout" => settings with { Timeout = TimeSpan.FromSeconds(ParseInRange(args[i], value, 1, 600)) },
                "--instances" => settings with { Instances = ParseInRange(args[i], value, 1, MaxInstances) },
                "--store" => settings with
                {
                    Store = value switch
                    {
                        "sqlite" => BenchStore.Sqlite,
                        "postgres" => BenchStore.PostgreSql,
                        _ => throw new ArgumentException($"--store must be sqlite or postgres, not '{value}'."),
                    },
                },
                _ => throw new ArgumentException($"Unknown option {args[i]} (expected --callers, --singles, --timeout, --instances, --store or --library-only)."),
            };
            i++;
        }

        return settings;
    }

    private static int ParseInRange(string name, string value, int min, int max)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'.");
}

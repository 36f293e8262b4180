using System.Globalization;

namespace OAuth2Capture.Benchmarks.Storm;

/// <summary>The bounds of a storm run, from the command line (<c>--callers N --singles K --timeout SECONDS</c>).</summary>
internal sealed record StormSettings(int Callers, int Singles, TimeSpan Timeout)
{
    public const int MaxCallers = 10_000;

    public static StormSettings Parse(IReadOnlyList<string> args, StormSettings defaults)
    {
        var settings = defaults;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--callers" => settings with { Callers = ParseInRange(args[i], value, 1, MaxCallers) },
                "--singles" => settings with { Singles = ParseInRange(args[i], value, 1, 50) },
                "--timeout" => settings with { Timeout = TimeSpan.FromSeconds(ParseInRange(args[i], value, 1, 600)) },
                _ => throw new ArgumentException($"Unknown option {args[i]} (expected --callers, --singles or --timeout)."),
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

using System.Globalization;
using System.Text;
using OAuth2Capture.Benchmarks.Infrastructure;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>Prints sweep results as the Markdown table of <c>docs/performance.md</c>, with the memory ratio per store.</summary>
internal static class SweepReport
{
    public static string StoreName(BenchStore store) => store == BenchStore.Sqlite ? "SQLite" : "PostgreSQL";

    public static string MiB(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    public static string SignedMiB(long bytes) => (bytes / 1048576.0).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    /// <summary>A ratio of two peaks; near a zero baseline the difference says more, so it is printed beside it.</summary>
    private static string Ratio(long large, long small)
        => small > 0 ? ((double)large / small).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "n/a (nothing above the baseline)";

    public static string ToMarkdown(IReadOnlyList<SweepResult> results)
    {
        var table = new StringBuilder();
        table.AppendLine("| store | rows | latency (ms) | concurrency | provider ceiling (calls/s) | sweep (rows/s) | efficiency | sweep wall (s) | store writes / reads per row | process CPU per row (ms) | peak live managed (MiB above baseline) | peak working set (MiB) | refreshed once |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in results)
        {
            var perRow = r.Refreshed == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{(double)r.Commands.Writes / r.Refreshed:0.00} / {(double)r.Commands.Reads / r.Refreshed:0.00}");
            var cpu = r.Refreshed == 0 ? "-" : (r.ProcessCpu.TotalMilliseconds / r.Refreshed).ToString("0.00", CultureInfo.InvariantCulture);
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {StoreName(r.Store)} | {r.Rows} | {r.Latency.TotalMilliseconds:0} | {r.Concurrency} | {r.Ceiling:0} | {r.RowsPerSecond:0} | {r.Efficiency:P1} | {r.SweepWall.TotalSeconds:0.0} | {perRow} | {cpu} | {MiB(r.Memory.PeakLiveBytesAboveBaseline)} | {MiB(r.Memory.PeakWorkingSetBytes)} | {(r.RefreshedOnce ? "yes" : "no")} |");
        }

        foreach (var store in results.GroupBy(r => r.Store).Where(group => group.Select(r => r.Rows).Distinct().Count() > 1))
        {
            var smallest = store.MinBy(r => r.Rows)!;
            var largest = store.MaxBy(r => r.Rows)!;
            table.AppendLine();
            table.AppendLine(CultureInfo.InvariantCulture,
                $"{StoreName(store.Key)}, {largest.Rows} rows against {smallest.Rows} ({(double)largest.Rows / smallest.Rows:0}x the rows): " +
                $"peak live managed above baseline {MiB(largest.Memory.PeakLiveBytesAboveBaseline)} MiB against {MiB(smallest.Memory.PeakLiveBytesAboveBaseline)} MiB, " +
                $"ratio {Ratio(largest.Memory.PeakLiveBytesAboveBaseline, smallest.Memory.PeakLiveBytesAboveBaseline)}, " +
                $"difference {SignedMiB(largest.Memory.PeakLiveBytesAboveBaseline - smallest.Memory.PeakLiveBytesAboveBaseline)} MiB; " +
                $"absolute peak live managed {MiB(largest.Memory.PeakLiveBytes)} MiB against {MiB(smallest.Memory.PeakLiveBytes)} MiB, " +
                $"ratio {Ratio(largest.Memory.PeakLiveBytes, smallest.Memory.PeakLiveBytes)}");
        }

        return table.ToString();
    }
}

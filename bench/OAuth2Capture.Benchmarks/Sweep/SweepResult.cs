using OAuth2Capture.Benchmarks.Infrastructure;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>One sweep over N due connections, with the provider's ceiling measured in the same run.</summary>
/// <param name="Store">The engine.</param>
/// <param name="Rows">The due connections seeded.</param>
/// <param name="Latency">The token endpoint's latency per refresh.</param>
/// <param name="Concurrency">The refresher's concurrency, and the ceiling client's.</param>
/// <param name="CeilingBefore">The ceiling client's calls per second just before the sweep.</param>
/// <param name="CeilingAfter">The same just after the sweep (<see langword="null"/> when the run was cut short).</param>
/// <param name="Refreshed">Connections the sweep reported <c>refreshed</c>.</param>
/// <param name="SweepWall">The sweep's duration as the refresher reported it, or the time waited when it did not finish.</param>
/// <param name="Memory">The peaks sampled during the sweep.</param>
/// <param name="Commands">Store commands during the sweep.</param>
/// <param name="ProcessCpu">CPU time this process used during the sweep (the library, the in-process token endpoint, the sampler).</param>
/// <param name="Problems">What the verification found wrong (empty: every row refreshed exactly once, nothing failed).</param>
/// <param name="LoadAverage">The load average at the end of the sweep.</param>
internal sealed record SweepResult(
    BenchStore Store,
    int Rows,
    TimeSpan Latency,
    int Concurrency,
    double CeilingBefore,
    double? CeilingAfter,
    long Refreshed,
    TimeSpan SweepWall,
    MemoryPeaks Memory,
    StoreCommandCounts Commands,
    TimeSpan ProcessCpu,
    IReadOnlyList<string> Problems,
    string LoadAverage)
{
    /// <summary>Gets the provider's ceiling: the mean of the measurements before and after the sweep.</summary>
    public double Ceiling => CeilingAfter is { } after ? (CeilingBefore + after) / 2 : CeilingBefore;

    /// <summary>Gets the sweep's refreshed rows per second.</summary>
    public double RowsPerSecond => Refreshed / SweepWall.TotalSeconds;

    /// <summary>Gets the sweep's throughput as a share of the provider's ceiling.</summary>
    public double Efficiency => RowsPerSecond / Ceiling;

    /// <summary>Gets whether every row was refreshed exactly once and nothing failed.</summary>
    public bool RefreshedOnce => Problems.Count == 0;
}

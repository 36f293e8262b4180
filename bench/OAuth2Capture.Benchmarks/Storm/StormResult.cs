namespace OAuth2Capture.Benchmarks.Storm;

/// <summary>One storm: N callers released at once on one expired token.</summary>
/// <param name="Implementation">The refresh under test.</param>
/// <param name="Callers">How many callers.</param>
/// <param name="RefreshCalls">Refresh requests the token endpoint received (counted by the DevProvider).</param>
/// <param name="Failures">Callers that got no usable token.</param>
/// <param name="TopError">The most frequent error among the failures.</param>
/// <param name="DistinctTokens">Distinct access tokens handed out to the callers that succeeded.</param>
/// <param name="Wall">From the release to the last caller's answer.</param>
/// <param name="SingleRefresh">The median of single refreshes measured in the same run.</param>
/// <param name="ValidFloor">The same callers released on the same row while its token was still valid (no refresh).</param>
/// <param name="StoreCommands">Commands sent to the store during the storm.</param>
/// <param name="SurvivesNextRefresh">Whether the stored connection could still be refreshed once more after the storm.</param>
internal sealed record StormResult(
    string Implementation,
    int Callers,
    long RefreshCalls,
    int Failures,
    string? TopError,
    int DistinctTokens,
    TimeSpan Wall,
    TimeSpan SingleRefresh,
    TimeSpan ValidFloor,
    long StoreCommands,
    bool SurvivesNextRefresh)
{
    /// <summary>Gets the wall time in single refreshes (the target: under 3).</summary>
    public double Ratio => Wall / SingleRefresh;

    /// <summary>Gets what the expiry added to the same callers' wall time, in single refreshes.</summary>
    public double OverFloor => (Wall - ValidFloor) / SingleRefresh;
}

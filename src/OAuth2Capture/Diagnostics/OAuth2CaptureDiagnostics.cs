using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OAuth2Capture.Diagnostics;

/// <summary>The names of OAuth2Capture's meter and activity source, for OpenTelemetry registration.</summary>
public static class OAuth2CaptureDiagnostics
{
    /// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> name: <c>OAuth2Capture</c>.</summary>
    public const string Name = "OAuth2Capture";

    internal static readonly ActivitySource ActivitySource = new(Name);

    internal static readonly Meter Meter = new(Name);

    /// <summary>Refresh outcomes, tagged <c>provider</c>, <c>status</c> and <c>reason</c>.</summary>
    internal static readonly Counter<long> RefreshOutcomes = Meter.CreateCounter<long>("oauth2capture.refresh.outcomes", description: "Refresh attempts by outcome.");

    /// <summary>Callers that joined a refresh already in flight instead of starting one.</summary>
    internal static readonly Counter<long> SingleFlightJoins = Meter.CreateCounter<long>("oauth2capture.refresh.single_flight_joins", description: "Callers that shared a read (stage=read) or a refresh (stage=refresh) of the same token already in flight.");
}

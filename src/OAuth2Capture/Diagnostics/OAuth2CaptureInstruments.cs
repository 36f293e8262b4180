using System.Diagnostics.Metrics;

namespace OAuth2Capture.Diagnostics;

/// <summary>
/// The instruments of the background refresher, the notifications and the health figures, on the same
/// <see cref="OAuth2CaptureDiagnostics.Meter"/> as the refresh counters. Names are listed in <c>docs/background-refresh.md</c>.
/// </summary>
internal static class OAuth2CaptureInstruments
{
    /// <summary>How long callers waited on a refresh another caller started (seconds), tagged <c>provider</c>.</summary>
    public static readonly Histogram<double> SingleFlightWait = OAuth2CaptureDiagnostics.Meter.CreateHistogram<double>(
        "oauth2capture.refresh.single_flight_wait", unit: "s", description: "Time callers waited on a refresh already in flight.");

    /// <summary>Connections the sweep handled, tagged <c>provider</c> and <c>action</c>.</summary>
    public static readonly Counter<long> SweepConnections = OAuth2CaptureDiagnostics.Meter.CreateCounter<long>(
        "oauth2capture.background.connections", description: "Connections the background sweep handled, by action (refreshed, valid, failed, reauth_required, cooling_down, given_up, claimed_elsewhere).");

    /// <summary>Duration of one sweep (seconds).</summary>
    public static readonly Histogram<double> SweepDuration = OAuth2CaptureDiagnostics.Meter.CreateHistogram<double>(
        "oauth2capture.background.sweep.duration", unit: "s", description: "Duration of one background sweep.");

    /// <summary>How late the earliest due connection of a sweep was refreshed, after it became due (seconds).</summary>
    public static readonly Histogram<double> SweepLag = OAuth2CaptureDiagnostics.Meter.CreateHistogram<double>(
        "oauth2capture.background.sweep.lag", unit: "s", description: "How long after becoming due the earliest due token of a sweep was refreshed.");

    /// <summary>Notifications handed to notifiers, tagged <c>provider</c>, <c>kind</c> and <c>outcome</c>.</summary>
    public static readonly Counter<long> Notifications = OAuth2CaptureDiagnostics.Meter.CreateCounter<long>(
        "oauth2capture.reauth.notifications", description: "Connection transitions handed to IReauthNotifier, by kind and outcome.");

    /// <summary>Connections needing re-auth per provider, from the last sweep or health check (no query per read).</summary>
    public static readonly ObservableGauge<long> ReauthRequired = OAuth2CaptureDiagnostics.Meter.CreateObservableGauge(
        "oauth2capture.connections.reauth_required", ConnectionCountsSnapshot.ObserveReauthRequired, description: "Connections needing the user to reconnect, per provider (as of the last sweep or health check).");
}

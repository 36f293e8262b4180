namespace OAuth2Capture.Background;

/// <summary>What one background sweep did (for tests and logs).</summary>
/// <param name="Seen">Connections the store streamed.</param>
/// <param name="Refreshed">Connections renewed by this sweep.</param>
/// <param name="Failed">Connections whose renewal failed transiently or by configuration.</param>
/// <param name="ReauthRequired">Connections found, or now marked, needing re-auth.</param>
/// <param name="Skipped">Due connections left alone: claimed by another sweep, cooling down, or given up.</param>
/// <param name="Elapsed">The sweep's duration.</param>
internal sealed record BackgroundSweepResult(int Seen, int Refreshed, int Failed, int ReauthRequired, int Skipped, TimeSpan Elapsed);

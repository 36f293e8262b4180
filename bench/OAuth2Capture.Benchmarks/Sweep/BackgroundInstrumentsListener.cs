using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// Listens to the background refresher's instruments on the <c>OAuth2Capture</c> meter, as an operator's metrics pipeline
/// would: <c>oauth2capture.background.connections</c> summed by its <c>action</c> tag (the progress of a sweep), and the
/// last <c>oauth2capture.background.sweep.duration</c> recorded. The meter is process-wide: one listener per sweep.
/// </summary>
internal sealed class BackgroundInstrumentsListener : IDisposable
{
    public const string MeterName = "OAuth2Capture";
    public const string ConnectionsInstrument = "oauth2capture.background.connections";
    public const string SweepDurationInstrument = "oauth2capture.background.sweep.duration";

    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> connections = new(StringComparer.Ordinal);
    private long sweepDurationBits = BitConverter.DoubleToInt64Bits(double.NaN);

    public BackgroundInstrumentsListener()
    {
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name is ConnectionsInstrument or SweepDurationInstrument)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>(OnConnections);
        listener.SetMeasurementEventCallback<double>(OnSweepDuration);
        listener.Start();
    }

    /// <summary>Gets the connections the sweep reported with the <c>action</c> tag <c>refreshed</c>.</summary>
    public long Refreshed => Count("refreshed");

    /// <summary>Gets the connections reported with any action other than <c>refreshed</c> (failed, valid, skipped, ...), by action.</summary>
    public IReadOnlyDictionary<string, long> Others
        => connections.Where(pair => pair.Key != "refreshed" && pair.Value > 0).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    /// <summary>Gets the last sweep duration recorded, or <see langword="null"/> before the sweep ends.</summary>
    public TimeSpan? SweepDuration
        => BitConverter.Int64BitsToDouble(Interlocked.Read(ref sweepDurationBits)) is var seconds && !double.IsNaN(seconds) ? TimeSpan.FromSeconds(seconds) : null;

    public long Count(string action) => connections.TryGetValue(action, out var count) ? count : 0;

    private void OnConnections(Instrument instrument, long measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var action = "unknown";
        foreach (var tag in tags)
        {
            if (tag.Key == "action" && tag.Value is string value)
            {
                action = value;
            }
        }

        connections.AddOrUpdate(action, measurement, (_, total) => total + measurement);
    }

    private void OnSweepDuration(Instrument instrument, double measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == SweepDurationInstrument)
        {
            Interlocked.Exchange(ref sweepDurationBits, BitConverter.DoubleToInt64Bits(measurement));
        }
    }

    public void Dispose() => listener.Dispose();
}

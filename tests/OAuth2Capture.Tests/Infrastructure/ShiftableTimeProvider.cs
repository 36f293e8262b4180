namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// The system clock moved by an offset. Unlike <c>FakeTimeProvider</c>, timers and delays stay real, so Polly's
/// retry waits and timeouts behave as in production while token expiry can be jumped over.
/// </summary>
internal sealed class ShiftableTimeProvider : TimeProvider
{
    private long offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}

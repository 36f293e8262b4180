namespace OAuth2Capture.Benchmarks.Infrastructure;

/// <summary>
/// The system clock moved by an offset: timers and delays stay real (Polly's timeouts behave as in production) while
/// the app can jump past an access token's expiry. The DevProvider keeps the real clock.
/// </summary>
internal sealed class ShiftableTimeProvider : TimeProvider
{
    private long offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}

using System.Threading.RateLimiting;

namespace OAuth2Capture.Background;

/// <summary>One provider's share of a sweep: at most so many refreshes at once, and optionally so many per second.</summary>
internal sealed class ProviderGate(int concurrency, int? perSecond) : IDisposable
{
    public SemaphoreSlim Concurrency { get; } = new(concurrency, concurrency);

    public TokenBucketRateLimiter? Rate { get; } = perSecond is { } rate
        ? new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate,
            TokensPerPeriod = rate,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        })
        : null;

    public void Dispose()
    {
        Concurrency.Dispose();
        Rate?.Dispose();
    }
}

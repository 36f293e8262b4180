using System.ComponentModel.DataAnnotations;

namespace OAuth2Capture;

/// <summary>Time bounds, retries and circuit breaker applied to every provider call (<c>OAuth2Capture:Resilience</c>).</summary>
public sealed class OAuth2CaptureResilienceOptions
{
    /// <summary>Gets or sets the bound on one provider call, retries and waits included.
    /// <value>Default: 20 seconds. Key: <c>OAuth2Capture:Resilience:TotalTimeout</c>.</value></summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets or sets the bound on one attempt. <value>Default: 8 seconds. Key: <c>OAuth2Capture:Resilience:AttemptTimeout</c>.</value></summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Gets or sets how many times a transient failure (network error, 429, 5xx) is retried.
    /// <value>Default: 2. Key: <c>OAuth2Capture:Resilience:MaxRetryAttempts</c>.</value></summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>Gets or sets the base delay between retries (exponential, with jitter) when the provider sends no <c>Retry-After</c>.
    /// <value>Default: 200 milliseconds. Key: <c>OAuth2Capture:Resilience:RetryDelay</c>.</value></summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest <c>Retry-After</c> that is waited for; a longer one ends the call as
    /// <see cref="TokenStatus.TemporarilyUnavailable"/> with <see cref="Tokens.TokenResult.RetryAfter"/> set.
    /// <value>Default: 5 seconds. Key: <c>OAuth2Capture:Resilience:MaxRetryAfter</c>.</value></summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many calls within <see cref="CircuitBreakerSamplingDuration"/> are needed before the breaker may open.
    /// <value>Default: 10. Key: <c>OAuth2Capture:Resilience:CircuitBreakerMinimumThroughput</c>.</value></summary>
    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Gets or sets the failure ratio (0–1) at which the breaker opens. <value>Default: 0.5. Key: <c>OAuth2Capture:Resilience:CircuitBreakerFailureRatio</c>.</value></summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the window over which failures are counted. <value>Default: 30 seconds. Key: <c>OAuth2Capture:Resilience:CircuitBreakerSamplingDuration</c>.</value></summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the breaker stays open. <value>Default: 15 seconds. Key: <c>OAuth2Capture:Resilience:CircuitBreakerBreakDuration</c>.</value></summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the largest provider answer read, in bytes (token, user-info and introspection bodies); a larger
    /// one is not read further and the call fails with an error naming the provider and this key.
    /// <value>Default: 1 MiB (1048576). Key: <c>OAuth2Capture:Resilience:MaxResponseSize</c>.</value></summary>
    [Range(1024L, 1L << 30)]
    public long MaxResponseSize { get; set; } = 1L << 20;

    /// <summary>Gets or sets how deeply a provider's JSON answer may nest; a deeper one is refused without being parsed further.
    /// <value>Default: 64. Key: <c>OAuth2Capture:Resilience:MaxResponseJsonDepth</c>.</value></summary>
    [Range(8, 1024)]
    public int MaxResponseJsonDepth { get; set; } = 64;

    /// <summary>Gets or sets how long a provider may take to send the body of its answer once its headers arrived (a body
    /// that drips or never ends); <see cref="TotalTimeout"/> bounds the wait for the headers.
    /// <value>Default: 10 seconds. Key: <c>OAuth2Capture:Resilience:ResponseBodyTimeout</c>.</value></summary>
    public TimeSpan ResponseBodyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

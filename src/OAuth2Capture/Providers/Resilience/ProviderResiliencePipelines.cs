using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace OAuth2Capture.Providers.Resilience;

/// <summary>
/// One Polly pipeline per provider, so each provider has its own circuit breaker: total timeout → retry → circuit
/// breaker → attempt timeout. Retries only what is transient (network failures, 408, 429, 5xx) and never an OAuth
/// error answer; a POST (which may carry a rotating refresh token) is retried after an exception only when the request
/// cannot have reached the provider. A <c>Retry-After</c> longer than <see cref="OAuth2CaptureResilienceOptions.MaxRetryAfter"/>
/// is not waited for: the answer goes back to the caller, which reports it as <c>TemporarilyUnavailable</c>.
/// </summary>
internal sealed class ProviderResiliencePipelines(
    ResiliencePipelineRegistry<ProviderResiliencePipelines.Key> registry,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options)
{
    internal static readonly ResiliencePropertyKey<bool> IdempotentRequest = new("OAuth2Capture.IdempotentRequest");

    /// <summary>The registry key: a type of our own, so the app's own string-keyed pipelines never meet ours.</summary>
    internal readonly record struct Key(string Provider);

    /// <summary>
    /// The provider's pipeline. Polly's registry builds it once and rebuilds it in place when the options change (so a
    /// handler that holds it sees new settings at once, and a circuit starts closed after a reload).
    /// </summary>
    public ResiliencePipeline<HttpResponseMessage> Get(string provider)
        => registry.GetOrAddPipeline<HttpResponseMessage>(new Key(provider.ToLowerInvariant()), (builder, context) =>
        {
            context.EnableReloads(options);
            builder.TimeProvider = time;
            Configure(builder, options.CurrentValue.Resilience);
        });

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, OAuth2CaptureResilienceOptions settings)
        => builder
            .AddTimeout(new TimeoutStrategyOptions { Timeout = settings.TotalTimeout, Name = "OAuth2Capture.TotalTimeout" })
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "OAuth2Capture.Retry",
                MaxRetryAttempts = Math.Max(1, settings.MaxRetryAttempts),
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(settings.MaxRetryAttempts > 0 && ShouldRetry(args.Outcome, args.Context, settings.MaxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfterHeader.Read(response) : null),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                Name = "OAuth2Capture.CircuitBreaker",
                FailureRatio = settings.CircuitBreakerFailureRatio,
                MinimumThroughput = settings.CircuitBreakerMinimumThroughput,
                SamplingDuration = settings.CircuitBreakerSamplingDuration,
                BreakDuration = settings.CircuitBreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = settings.AttemptTimeout, Name = "OAuth2Capture.AttemptTimeout" });

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome)
        => outcome.Exception is HttpRequestException or TimeoutRejectedException
            || (outcome.Result is { } response && IsTransientStatus(response.StatusCode));

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeSpan maxRetryAfter)
    {
        var idempotent = context.Properties.GetValue(IdempotentRequest, false);
        switch (outcome.Exception)
        {
            // An attempt that may have reached the provider may have rotated the refresh token: only safe requests are retried.
            case HttpRequestException ex:
                return idempotent || !ProviderCallFailure.MayHaveBeenSent(UnansweredCall.NetworkError, ex);
            case TimeoutRejectedException ex:
                return idempotent || !ProviderCallFailure.MayHaveBeenSent(UnansweredCall.Timeout, ex);
            case not null:
                return false;
        }

        var response = outcome.Result!;
        if (!IsTransientStatus(response.StatusCode))
        {
            return false;
        }

        return RetryAfterHeader.Read(response) is not { } wait || wait <= maxRetryAfter;
    }

    private static bool IsTransientStatus(HttpStatusCode status)
        => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

}

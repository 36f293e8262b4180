namespace OAuth2Capture.Providers.Resilience;

/// <summary>Which exceptions from a provider call mean "the provider gave no answer" (as opposed to the caller cancelling).</summary>
internal static class ProviderCallFailure
{
    /// <summary>
    /// Network failure, a pipeline timeout, an open circuit, or <see cref="HttpClient"/>'s own timeout; never the
    /// caller's own cancellation.
    /// </summary>
    public static bool IsUnanswered(Exception exception, CancellationToken cancellationToken)
        => exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}

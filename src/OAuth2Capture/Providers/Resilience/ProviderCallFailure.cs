using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace OAuth2Capture.Providers.Resilience;

/// <summary>How a provider call that got no answer ended.</summary>
internal enum UnansweredCall
{
    /// <summary>The pipeline refused the call before sending it (an open or isolated circuit, a rate limiter): nothing was sent.</summary>
    CircuitOpen,

    /// <summary>The pipeline's or <see cref="HttpClient"/>'s own timeout.</summary>
    Timeout,

    /// <summary>The network failed (DNS, connection refused or reset, TLS).</summary>
    NetworkError,
}

/// <summary>
/// The one mapping from what a provider call throws to "the provider gave no answer" (as opposed to the caller
/// cancelling, which is rethrown): every caller of a provider asks here and only words the answer its own way.
/// </summary>
internal static class ProviderCallFailure
{
    /// <summary>Whether the exception means the provider gave no answer, and how the call ended.</summary>
    /// <param name="exception">What the call threw.</param>
    /// <param name="cancellationToken">The caller's token: its own cancellation is never "unanswered".</param>
    /// <param name="how">How the call ended.</param>
    /// <param name="retryAfter">When an open circuit lets calls through again, if it says.</param>
    public static bool TryClassify(Exception exception, CancellationToken cancellationToken, out UnansweredCall how, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        switch (exception)
        {
            case BrokenCircuitException broken: // IsolatedCircuitException too
                how = UnansweredCall.CircuitOpen;
                retryAfter = broken.RetryAfter;
                return true;
            case RateLimiterRejectedException rejected:
                how = UnansweredCall.CircuitOpen;
                retryAfter = rejected.RetryAfter;
                return true;
            case TimeoutRejectedException:
            case OperationCanceledException when !cancellationToken.IsCancellationRequested:
                how = UnansweredCall.Timeout;
                return true;
            case HttpRequestException:
                how = UnansweredCall.NetworkError;
                return true;
            default:
                how = default;
                return false;
        }
    }

    /// <summary>Network failure, a pipeline timeout, an open circuit, or <see cref="HttpClient"/>'s own timeout; never the caller's own cancellation.</summary>
    public static bool IsUnanswered(Exception exception, CancellationToken cancellationToken)
        => TryClassify(exception, cancellationToken, out _, out _);

    /// <summary>
    /// Whether a call that got no answer may still have reached the provider, which may then have acted on it (rotated a
    /// refresh token): a timeout or a connection lost after sending. A refusal by the pipeline, or a connection that was
    /// never made (DNS, refused, TLS), sent nothing.
    /// </summary>
    /// <param name="how">How the call ended, from <see cref="TryClassify"/>.</param>
    /// <param name="exception">What the call threw.</param>
    public static bool MayHaveBeenSent(UnansweredCall how, Exception exception)
        => how switch
        {
            UnansweredCall.CircuitOpen => false,
            UnansweredCall.Timeout => true,
            UnansweredCall.NetworkError => exception is not HttpRequestException
            {
                HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError,
            },
        };

    /// <summary>The network error's own name, for messages.</summary>
    public static string NetworkErrorOf(Exception exception)
        => exception is HttpRequestException request ? request.HttpRequestError.ToString() : "unknown";
}

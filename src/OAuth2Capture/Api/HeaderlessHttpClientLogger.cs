using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace OAuth2Capture.Api;

/// <summary>
/// The request logging of a client that carries users' tokens: method, URI without its query, status and duration, never
/// a header. It replaces the client factory's default logging, whose Trace-level header records redact the formatted
/// message but still carry each raw header value, <c>Authorization</c> included, in their structured state.
/// </summary>
internal sealed partial class HeaderlessHttpClientLogger(ILogger logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var uri = WithoutQuery(request.RequestUri);
            Log.Sending(logger, request.Method.Method, uri);
        }

        return null;
    }

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var uri = WithoutQuery(request.RequestUri);
            Log.Received(logger, request.Method.Method, uri, (int)response.StatusCode, elapsed.TotalMilliseconds);
        }
    }

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var uri = WithoutQuery(request.RequestUri);
            var failure = exception.GetType().Name;
            Log.Failed(logger, request.Method.Method, uri, elapsed.TotalMilliseconds, failure);
        }
    }

    private static string WithoutQuery(Uri? uri)
        => uri is null ? string.Empty : uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString.Split('?', 2)[0];

    private static partial class Log
    {
        [LoggerMessage(EventId = 2210, EventName = "ApiRequestSending", Level = LogLevel.Debug, Message = "Sending {Method} {Uri} with the user's token")]
        public static partial void Sending(ILogger logger, string method, string uri);

        [LoggerMessage(EventId = 2211, EventName = "ApiRequestAnswered", Level = LogLevel.Debug, Message = "{Method} {Uri} answered {Status} after {ElapsedMilliseconds:0.0} ms")]
        public static partial void Received(ILogger logger, string method, string uri, int status, double elapsedMilliseconds);

        [LoggerMessage(EventId = 2212, EventName = "ApiRequestFailed", Level = LogLevel.Debug, Message = "{Method} {Uri} failed after {ElapsedMilliseconds:0.0} ms ({Failure})")]
        public static partial void Failed(ILogger logger, string method, string uri, double elapsedMilliseconds, string failure);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Http.Endpoints;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Http;

/// <summary>
/// Answers a request whose store call failed because the store is unavailable (<c>Storage/StoreFailure.cs</c> decides)
/// with the 503 <c>store_unavailable</c> problem or page and <c>Retry-After</c>, instead of a bare 500. Every write is
/// one conditional statement, so a failed one changed nothing.
/// </summary>
internal static partial class StoreOutage
{
    /// <summary>The endpoint filter of the route group <c>MapOAuth2Capture()</c> maps.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, http.RequestAborted))
        {
            Logged(http, exception.GetBaseException().Message, exception);
            return Errors.StoreUnavailable();
        }
    }

    /// <summary>Logs the outage for the operator (event 1201), with the request's path.</summary>
    public static void Logged(HttpContext context, string failure, Exception? exception)
        => Log.StoreUnavailable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("OAuth2Capture.Http.StoreOutage"),
            context.Request.Path, failure, exception);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, EventName = "StoreUnavailable", Level = LogLevel.Error,
            Message = "A request to {Path} could not reach the OAuth2Capture store ({Failure}); it was answered 503 store_unavailable with Retry-After and nothing was changed. Check the database (OAuth2Capture:Store).")]
        public static partial void StoreUnavailable(ILogger logger, string path, string failure, Exception? exception);
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace OAuth2Capture.Http;

/// <summary>
/// Writes an <see cref="OAuth2CaptureError"/> as an RFC 9457 problem for API callers or as a small readable page for
/// browsers. A request is a browser's when its <c>Accept</c> header names <c>text/html</c> and it is not an XHR
/// (<c>X-Requested-With</c>); everything else gets <c>application/problem+json</c>, through the app's
/// <see cref="IProblemDetailsService"/> when it registered one (<c>AddProblemDetails</c>).
/// </summary>
internal static class OAuth2CaptureErrorWriter
{
    public static bool WantsHtml(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.XRequestedWith.Count > 0)
        {
            return false;
        }

        foreach (var accept in request.Headers.Accept)
        {
            if (accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static Task WriteAsync(HttpContext context, OAuth2CaptureError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        var response = context.Response;
        response.StatusCode = error.StatusCode;
        response.Headers.CacheControl = "no-store";
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (error.ReauthUrl is not null && error.StatusCode == StatusCodes.Status403Forbidden)
        {
            // Like Microsoft.Identity.Web's consent challenge: a 403 that says how to get the missing grant, so the
            // app's front end never mistakes it for its own session ending (which is 401).
            response.Headers.WWWAuthenticate =
                $"OAuth2Capture error=\"{error.Code}\", provider=\"{error.Provider}\", reauth_uri=\"{error.ReauthUrl}\"";
        }

        return WantsHtml(context.Request) ? WritePageAsync(context, error) : WriteProblemAsync(context, error);
    }

    public static ProblemDetails ToProblem(HttpContext context, OAuth2CaptureError error)
    {
        var problem = new ProblemDetails
        {
            Type = OAuth2CaptureErrorCodes.ProblemType(error.Code),
            Title = error.Title,
            Status = error.StatusCode,
            Detail = error.Detail,
            Instance = context.Request.Path,
        };
        problem.Extensions["code"] = error.Code;
        problem.Extensions["action"] = error.Action;
        AddIfSet(problem, "provider", error.Provider);
        AddIfSet(problem, "reason", error.Reason);
        AddIfSet(problem, "reauthUrl", error.ReauthUrl);
        if (error.RetryAfter is { } retryAfter)
        {
            problem.Extensions["retryAfter"] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        }

        return problem;
    }

    private static async Task WriteProblemAsync(HttpContext context, OAuth2CaptureError error)
    {
        var problem = ToProblem(context, error);

        // The app's AddProblemDetails (CustomizeProblemDetails, its own writers) shapes ours too; its writers decline
        // some Accept headers, and then the answer is written as it was before the app registered one.
        if (context.RequestServices.GetService<IProblemDetailsService>() is { } problems
            && await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted).ConfigureAwait(false);
    }

    private static Task WritePageAsync(HttpContext context, OAuth2CaptureError error)
    {
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(error.Title)).Append("</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2328}")
            .Append("h1{font-size:1.4rem}.action{background:#f6f8fa;border-left:4px solid #0969da;padding:.75rem 1rem}")
            .Append("a.button{display:inline-block;margin:1rem .5rem 0 0;padding:.5rem 1rem;border-radius:6px;background:#0969da;color:#fff;text-decoration:none}")
            .Append("a.button.secondary{background:#6e7781}a.button:focus{outline:3px solid #fb8f44}small{color:#6e7781}</style></head><body><main>")
            .Append("<h1>").Append(E(error.Title)).Append("</h1>")
            .Append("<p>").Append(E(error.Detail)).Append("</p>")
            .Append("<p class=\"action\">").Append(E(error.Action)).Append("</p>");
        if (error.ReauthUrl is not null)
        {
            html.Append("<a class=\"button\" href=\"").Append(E(error.ReauthUrl)).Append("\">Reconnect ")
                .Append(E(error.ProviderDisplayName ?? error.Provider ?? "the account")).Append("</a>");
        }

        if (error.RetryUrl is not null)
        {
            html.Append("<a class=\"button").Append(error.ReauthUrl is null ? string.Empty : " secondary").Append("\" href=\"")
                .Append(E(error.RetryUrl)).Append("\">").Append(error.Code == OAuth2CaptureErrorCodes.AccessDenied ? "Try again" : "Go back").Append("</a>");
        }

        html.Append("<p><small>Error code: ").Append(E(error.Code)).Append("</small></p></main></body></html>");
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html.ToString(), context.RequestAborted);
    }

    private static void AddIfSet(ProblemDetails problem, string key, string? value)
    {
        if (value is not null)
        {
            problem.Extensions[key] = value;
        }
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}

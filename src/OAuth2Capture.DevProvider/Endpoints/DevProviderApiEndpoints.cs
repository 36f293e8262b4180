using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider.Internal;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OAuth2Capture.DevProvider.Endpoints;

/// <summary>
/// A small protected API, as a provider's own API would be: <c>GET api/me</c> (<c>{ sub, name }</c>), <c>GET api/posts</c>
/// (the user's posts) and <c>POST api/posts</c> with <c>{ "text": "…" }</c> (201 with the post; needs the scope
/// <c>write</c>). Every call checks its access token for real (OpenIddict validates the token and its grant), so a revoked
/// grant fails at once, long before the token's expiry: 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>
/// (RFC 6750 §3.1); a missing scope is 403 with <c>error="insufficient_scope", scope="write"</c>. Queued
/// <see cref="DevApiFault"/>s answer before the token is looked at; a user's queued faults answer once their token passed.
/// </summary>
internal static class DevProviderApiEndpoints
{
    private const string WriteScope = "write";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/" + DevProviderPaths.Api);
        group.MapGet("/me", (Delegate)MeAsync);
        group.MapGet("/posts", (Delegate)PostsAsync);
        group.MapPost("/posts", (Delegate)PostAsync);
    }

    private static Task<IResult> MeAsync(HttpContext context) => ServeAsync(context, requiredScope: null, static (subject, _, faults, _) =>
    {
        var user = DevUserDirectory.Describe(subject);
        return Task.FromResult(Results.Json(new { sub = user.Subject, name = faults.DisplayNameOf(subject) ?? user.Name }));
    });

    private static Task<IResult> PostsAsync(HttpContext context) => ServeAsync(context, requiredScope: null, static (subject, services, _, _) =>
        Task.FromResult(Results.Json(services.GetRequiredService<DevApiPosts>().Of(subject).Select(Describe))));

    private static Task<IResult> PostAsync(HttpContext context) => ServeAsync(context, WriteScope, static async (subject, services, _, context) =>
    {
        string? text = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            text = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            // An unreadable body is answered like a missing text, below.
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return Results.BadRequest(new { error = "invalid_request", error_description = "A JSON body { \"text\": \"…\" } is required." });
        }

        var clock = services.GetRequiredService<DevProviderOptions>().TimeProvider ?? services.GetRequiredService<TimeProvider>();
        var post = services.GetRequiredService<DevApiPosts>().Add(subject, text, clock.GetUtcNow());
        return Results.Json(Describe(post), statusCode: StatusCodes.Status201Created);
    });

    private static async Task<IResult> ServeAsync(HttpContext context, string? requiredScope, Func<string, IServiceProvider, DevProviderFaults, HttpContext, Task<IResult>> serve)
    {
        var services = context.RequestServices;
        var stats = services.GetRequiredService<DevProviderStats>();
        var faults = services.GetRequiredService<DevProviderFaults>();
        if (faults.TryTakeApiFault(subject: null, out var fault, out var retryAfter))
        {
            stats.RecordApiRequest(DevApiOutcome.Faulted);
            return Fault(context, fault, retryAfter);
        }

        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (result.Principal?.GetClaim(Claims.Subject) is not { Length: > 0 } subject)
        {
            stats.RecordApiRequest(DevApiOutcome.Rejected);
            return Challenge(context, StatusCodes.Status401Unauthorized, "error=\"invalid_token\", error_description=\"The access token is not valid.\"");
        }

        // A user's faults come after the token check: they need its subject, and they stand for an API that answers
        // this user badly although the token is valid.
        if (faults.TryTakeApiFault(subject, out fault, out retryAfter))
        {
            stats.RecordApiRequest(DevApiOutcome.Faulted);
            return Fault(context, fault, retryAfter);
        }

        if (requiredScope is not null && !result.Principal.HasScope(requiredScope))
        {
            stats.RecordApiRequest(DevApiOutcome.Rejected);
            return Challenge(context, StatusCodes.Status403Forbidden, $"error=\"insufficient_scope\", scope=\"{requiredScope}\"");
        }

        stats.RecordApiRequest(DevApiOutcome.Served);
        return await serve(subject, services, faults, context).ConfigureAwait(false);
    }

    private static IResult Fault(HttpContext context, DevApiFault fault, TimeSpan? retryAfter)
    {
        switch (fault)
        {
            case DevApiFault.Unauthorized:
                return Challenge(context, StatusCodes.Status401Unauthorized, "error=\"invalid_token\", error_description=\"The access token is not valid.\"");
            case DevApiFault.InsufficientScope:
                return Challenge(context, StatusCodes.Status403Forbidden, $"error=\"insufficient_scope\", scope=\"{WriteScope}\"");
            case DevApiFault.TooManyRequests:
                context.Response.Headers.RetryAfter = Seconds(retryAfter ?? TimeSpan.FromSeconds(1));
                return Results.Json(new { error = "rate_limited" }, statusCode: StatusCodes.Status429TooManyRequests);
            default:
                if (retryAfter is { } delay)
                {
                    context.Response.Headers.RetryAfter = Seconds(delay);
                }

                return Results.Json(new { error = "temporarily_unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult Challenge(HttpContext context, int status, string parameters)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer " + parameters;
        return Results.StatusCode(status);
    }

    private static string Seconds(TimeSpan delay) => ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static object Describe(DevApiPost post) => new { id = post.Id, text = post.Text, author = post.Author, createdAt = post.CreatedAt };
}

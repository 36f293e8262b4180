using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider.Internal;

namespace OAuth2Capture.DevProvider.Endpoints;

/// <summary>
/// A small HTTP control API under <c>/dev/</c>, answering loopback callers only:
/// <list type="bullet">
/// <item><c>POST /dev/users/{sub}/expire-refresh-tokens</c>, <c>/expire-access-tokens</c>, <c>/revoke</c>
/// (add <c>?clientId=…</c> to touch only the tokens issued to one client)</item>
/// <item><c>POST /dev/users/{sub}/display-name?value=…</c> (the user-info <c>name</c>; without <c>value</c>, the default)</item>
/// <item><c>POST /dev/faults/token?kind=TooManyRequests&amp;count=1&amp;retryAfter=2</c> (retryAfter in seconds)</item>
/// <item><c>POST /dev/faults/api?kind=Unauthorized&amp;count=1&amp;retryAfter=2</c> (the protected API's faults)</item>
/// <item><c>POST /dev/users/{sub}/faults/api?kind=…&amp;count=1&amp;retryAfter=2</c> (the API's faults for one user's valid tokens)</item>
/// <item><c>POST /dev/faults/reject-client-secret?enabled=true</c></item>
/// <item><c>POST /dev/lifetimes?accessToken=60&amp;refreshToken=3600</c> (seconds; omitted = configured default)</item>
/// <item><c>POST /dev/reset</c> (faults and stats), <c>GET /dev/stats</c></item>
/// </list>
/// </summary>
internal static class DevProviderControlEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/" + DevProviderPaths.Control);
        group.AddEndpointFilter(static async (context, next) =>
        {
            var remote = context.HttpContext.Connection.RemoteIpAddress;
            if (remote is not null && !System.Net.IPAddress.IsLoopback(remote))
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>()
                    .CreateLogger(typeof(DevProviderControlEndpoints).FullName!);
                DevProviderLog.ControlRequestRefused(logger, remote.ToString());
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            return await next(context).ConfigureAwait(false);
        });

        group.MapPost("/users/{sub}/expire-refresh-tokens", static async (string sub, string? clientId, DevProviderFaults faults, CancellationToken ct)
            => Results.Json(new { subject = sub, clientId, affected = clientId is { Length: > 0 } client
                ? await faults.ExpireRefreshTokensAsync(sub, client, ct).ConfigureAwait(false)
                : await faults.ExpireRefreshTokensAsync(sub, ct).ConfigureAwait(false) }));
        group.MapPost("/users/{sub}/expire-access-tokens", static async (string sub, string? clientId, DevProviderFaults faults, CancellationToken ct)
            => Results.Json(new { subject = sub, clientId, affected = clientId is { Length: > 0 } client
                ? await faults.ExpireAccessTokensAsync(sub, client, ct).ConfigureAwait(false)
                : await faults.ExpireAccessTokensAsync(sub, ct).ConfigureAwait(false) }));
        group.MapPost("/users/{sub}/revoke", static async (string sub, string? clientId, DevProviderFaults faults, CancellationToken ct)
            => Results.Json(new { subject = sub, clientId, affected = clientId is { Length: > 0 } client
                ? await faults.RevokeGrantAsync(sub, client, ct).ConfigureAwait(false)
                : await faults.RevokeGrantAsync(sub, ct).ConfigureAwait(false) }));

        group.MapPost("/users/{sub}/display-name", static (string sub, string? value, DevProviderFaults faults) =>
        {
            faults.SetDisplayName(sub, value);
            return Results.Json(new { subject = sub, displayName = value });
        });

        group.MapPost("/faults/token", static (string kind, int? count, double? retryAfter, DevProviderFaults faults) =>
        {
            if (!Enum.TryParse<DevTokenFault>(kind, ignoreCase: true, out var fault) || !Enum.IsDefined(fault)
                || count is <= 0 || retryAfter is < 0)
            {
                return Results.BadRequest(new { error = "invalid_request", kinds = Enum.GetNames<DevTokenFault>() });
            }

            faults.FailNextTokenRequests(fault, count ?? 1, retryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            return Results.Json(new { kind = fault.ToString(), pending = faults.PendingTokenFaults });
        });
        group.MapPost("/faults/api", static (string kind, int? count, double? retryAfter, DevProviderFaults faults) =>
        {
            if (!TryParseApiFault(kind, count, retryAfter, out var fault))
            {
                return Results.BadRequest(new { error = "invalid_request", kinds = Enum.GetNames<DevApiFault>() });
            }

            faults.FailNextApiCalls(fault, count ?? 1, retryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            return Results.Json(new { kind = fault.ToString(), pending = faults.PendingApiFaults });
        });
        group.MapPost("/users/{sub}/faults/api", static (string sub, string kind, int? count, double? retryAfter, DevProviderFaults faults) =>
        {
            if (!TryParseApiFault(kind, count, retryAfter, out var fault))
            {
                return Results.BadRequest(new { error = "invalid_request", kinds = Enum.GetNames<DevApiFault>() });
            }

            faults.FailNextApiCalls(sub, fault, count ?? 1, retryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            return Results.Json(new { subject = sub, kind = fault.ToString(), pending = faults.PendingApiFaultsOf(sub) });
        });
        group.MapPost("/faults/reject-client-secret", static (bool enabled, DevProviderFaults faults) =>
        {
            faults.RejectClientSecret = enabled;
            return Results.Json(new { rejectClientSecret = enabled });
        });
        group.MapPost("/lifetimes", static (double? accessToken, double? refreshToken, DevProviderFaults faults) =>
        {
            if (accessToken is <= 0 || refreshToken is <= 0)
            {
                return Results.BadRequest(new { error = "invalid_request" });
            }

            faults.SetLifetimes(
                accessToken is { } access ? TimeSpan.FromSeconds(access) : null,
                refreshToken is { } refresh ? TimeSpan.FromSeconds(refresh) : null);
            return Results.Json(new
            {
                accessToken = faults.AccessTokenLifetime.TotalSeconds,
                refreshToken = faults.RefreshTokenLifetime.TotalSeconds,
            });
        });
        group.MapPost("/reset", static (DevProviderFaults faults, DevProviderStats stats) =>
        {
            faults.Reset();
            stats.Reset();
            return Results.NoContent();
        });
        group.MapGet("/stats", static (DevProviderStats stats) => Results.Json(new
        {
            tokenRequests = stats.TokenRequests,
            refreshRequests = stats.RefreshRequests,
            authorizationRequests = stats.AuthorizationRequests,
            revocationRequests = stats.RevocationRequests,
            apiRequests = stats.ApiRequests,
            apiRequestsServed = stats.ApiRequestsServed,
            apiRequestsRejected = stats.ApiRequestsRejected,
            apiRequestsFaulted = stats.ApiRequestsFaulted,
        }));
    }

    private static bool TryParseApiFault(string kind, int? count, double? retryAfter, out DevApiFault fault)
        => Enum.TryParse(kind, ignoreCase: true, out fault) && Enum.IsDefined(fault) && count is null or > 0 && retryAfter is null or >= 0;
}

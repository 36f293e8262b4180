using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// A provider's token endpoint on 127.0.0.1 (Kestrel, minimal API, in this process) that answers each refresh after a fixed
/// latency, as a real provider does in tens of milliseconds. No rotation (the refresh token stays the same). Calls are counted
/// per seeded refresh token (<c>rt-{i}</c>, in an array allocated up front, so the count itself does not grow the live set
/// during the sweep), so any connection refreshed twice is seen; other refresh tokens are only counted in all.
/// </summary>
internal sealed class SweepTokenEndpoint : IAsyncDisposable
{
    public const string ClientId = "sweep-client";
    public const string ClientSecret = "sweep-secret";

    private readonly WebApplication app;
    private readonly TimeSpan latency;
    private readonly int[] callsPerRow;
    private long otherCalls;

    private SweepTokenEndpoint(WebApplication app, TimeSpan latency, int rows)
    {
        this.app = app;
        this.latency = latency;
        callsPerRow = new int[rows];
    }

    /// <summary>Gets the calls with a refresh token other than a seeded row's (the ceiling client's).</summary>
    public long OtherCalls => Interlocked.Read(ref otherCalls);

    public Uri BaseUri { get; private set; } = null!;

    public Uri TokenEndpoint => new(BaseUri, "/token");

    /// <summary>Gets the authorization endpoint a generic provider must name; nothing calls it here.</summary>
    public Uri AuthorizationEndpoint => new(BaseUri, "/authorize");

    /// <param name="latency">The wait before each answer.</param>
    /// <param name="rows">The seeded rows, whose refresh tokens <c>rt-0</c> ... <c>rt-{rows - 1}</c> are counted one by one.</param>
    /// <param name="cancellationToken">Stops the start-up.</param>
    public static async Task<SweepTokenEndpoint> StartAsync(TimeSpan latency, int rows, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var endpoint = new SweepTokenEndpoint(app, latency, rows);
        app.MapPost("/token", (Func<HttpContext, Task<IResult>>)endpoint.AnswerAsync);
        await app.StartAsync(cancellationToken);
        endpoint.BaseUri = new Uri(app.Urls.First());
        return endpoint;
    }

    /// <summary>Gets how many calls each seeded row's refresh token got (a snapshot).</summary>
    public int[] CallsPerRow() => (int[])callsPerRow.Clone();

    private async Task<IResult> AnswerAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != "refresh_token" || form["refresh_token"].ToString() is not { Length: > 0 } refreshToken)
        {
            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: StatusCodes.Status400BadRequest);
        }

        if (refreshToken.StartsWith(SweepSeeder.RefreshTokenPrefix, StringComparison.Ordinal)
            && int.TryParse(refreshToken.AsSpan(SweepSeeder.RefreshTokenPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var row)
            && row < callsPerRow.Length)
        {
            Interlocked.Increment(ref callsPerRow[row]);
        }
        else
        {
            Interlocked.Increment(ref otherCalls);
        }

        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, TimeProvider.System, context.RequestAborted);
        }

        return Results.Json(new { access_token = "at-" + Guid.NewGuid().ToString("N"), token_type = "Bearer", expires_in = 3600 });
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

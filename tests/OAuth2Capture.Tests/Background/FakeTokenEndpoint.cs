using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// A token endpoint on 127.0.0.1 that answers every refresh at once (no rotation) and counts the calls per refresh token,
/// so a test sees any connection refreshed twice.
/// </summary>
internal sealed class FakeTokenEndpoint : IAsyncDisposable
{
    private readonly WebApplication app;
    private long calls;
    private long held;
    private volatile TaskCompletionSource? hold;

    private FakeTokenEndpoint(WebApplication app) => this.app = app;

    public ConcurrentDictionary<string, int> CallsPerRefreshToken { get; } = new(StringComparer.Ordinal);

    public long Calls => Interlocked.Read(ref calls);

    /// <summary>Gets how many requests have waited for <see cref="HoldAnswers"/> to end (counted as they arrive).</summary>
    public long Held => Interlocked.Read(ref held);

    /// <summary>Makes every request wait, before it is counted or answered, until <see cref="ReleaseAnswers"/>.</summary>
    public void HoldAnswers() => hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseAnswers() => hold?.TrySetResult();

    public Uri BaseUri { get; private set; } = null!;

    public Uri TokenEndpoint => new(BaseUri, "/token");

    public static async Task<FakeTokenEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeTokenEndpoint(app);
        app.MapPost("/token", async (HttpContext context) =>
        {
            if (fake.hold is { } waiting)
            {
                Interlocked.Increment(ref fake.held);
                await waiting.Task.WaitAsync(context.RequestAborted);
            }

            var form = await context.Request.ReadFormAsync();
            var refreshToken = form["refresh_token"].ToString();
            Interlocked.Increment(ref fake.calls);
            fake.CallsPerRefreshToken.AddOrUpdate(refreshToken, 1, (_, n) => n + 1);
            return Results.Json(new { access_token = "at-" + Guid.NewGuid().ToString("N"), token_type = "Bearer", expires_in = 3600 });
        });
        await app.StartAsync();
        fake.BaseUri = new Uri(app.Urls.First());
        return fake;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

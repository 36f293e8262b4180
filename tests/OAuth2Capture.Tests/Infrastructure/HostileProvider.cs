using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>What <see cref="HostileProvider"/> answers, on every endpoint.</summary>
internal enum HostileAnswer
{
    /// <summary>HTTP 200, 50 MB of JSON (one huge string) sent as fast as possible, chunked: no Content-Length to refuse up front.</summary>
    HugeChunked,

    /// <summary>The same 50 MB, announced with its Content-Length.</summary>
    HugeDeclared,

    /// <summary>HTTP 200, a JSON body that never ends: one byte every 100 ms until the client goes away.</summary>
    Drip,

    /// <summary>HTTP 200, valid JSON nested 10,000 levels deep.</summary>
    DeepJson,

    /// <summary>HTTP 502, 50 MB of HTML (a proxy's error page gone wrong).</summary>
    HugeBadGateway,
}

/// <summary>
/// A provider on 127.0.0.1 whose token, user-info, introspection and revocation endpoints all answer
/// <see cref="Answer"/>: oversized, never-ending or absurdly nested bodies. Tests point those endpoints of a provider at
/// it (authorization stays on the DevProvider) and check the library stays bounded in memory and time.
/// </summary>
internal sealed class HostileProvider : IAsyncDisposable
{
    public const int HugeSize = 50 * 1024 * 1024;

    private const int Depth = 10_000;

    private readonly WebApplication app;
    private long requests;

    private HostileProvider(WebApplication app) => this.app = app;

    public HostileAnswer Answer { get; set; }

    public long Requests => Interlocked.Read(ref requests);

    public Uri BaseUri { get; private set; } = null!;

    public string Endpoint(string name) => new Uri(BaseUri, "/" + name).ToString();

    public static async Task<HostileProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var hostile = new HostileProvider(app);
        app.Map("/{endpoint}", (Delegate)hostile.AnswerAsync);
        await app.StartAsync();
        hostile.BaseUri = new Uri(app.Urls.First());
        return hostile;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref requests);
        var response = context.Response;
        var aborted = context.RequestAborted;
        try
        {
            switch (Answer)
            {
                case HostileAnswer.HugeChunked:
                case HostileAnswer.HugeDeclared:
                    response.ContentType = "application/json";
                    if (Answer == HostileAnswer.HugeDeclared)
                    {
                        response.ContentLength = HugeSize;
                    }

                    await WriteHugeAsync(response, "{\"access_token\":\"", "\",\"token_type\":\"Bearer\",\"sub\":\"x\",\"active\":true}", aborted);
                    break;
                case HostileAnswer.HugeBadGateway:
                    response.StatusCode = StatusCodes.Status502BadGateway;
                    response.ContentType = "text/html";
                    await WriteHugeAsync(response, "<html><body>", "</body></html>", aborted);
                    break;
                case HostileAnswer.Drip:
                    response.ContentType = "application/json";
                    await response.WriteAsync("{\"access_token\":\"", aborted);
                    while (!aborted.IsCancellationRequested)
                    {
                        await response.WriteAsync("a", aborted);
                        await response.Body.FlushAsync(aborted);
                        await Task.Delay(100, aborted);
                    }

                    break;
                case HostileAnswer.DeepJson:
                    response.ContentType = "application/json";
                    await response.WriteAsync("{\"access_token\":\"abc\",\"sub\":\"x\",\"active\":true,\"deep\":" + new string('[', Depth) + new string(']', Depth) + "}", aborted);
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client stopped reading, as it should.
        }
    }

    private static async Task WriteHugeAsync(HttpResponse response, string head, string tail, CancellationToken aborted)
    {
        var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        var headBytes = Encoding.ASCII.GetBytes(head);
        var tailBytes = Encoding.ASCII.GetBytes(tail);
        await response.Body.WriteAsync(headBytes, aborted);
        var remaining = HugeSize - headBytes.Length - tailBytes.Length;
        while (remaining > 0)
        {
            var count = Math.Min(chunk.Length, remaining);
            await response.Body.WriteAsync(chunk.AsMemory(0, count), aborted);
            remaining -= count;
        }

        await response.Body.WriteAsync(tailBytes, aborted);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

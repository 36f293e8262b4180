using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using ReauthSample;

namespace OAuth2Capture.BrowserTests;

/// <summary>The sample app hosted in this process on 127.0.0.1 (a free port) with a temporary SQLite file.</summary>
internal sealed class SampleHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string databasePath;

    private SampleHost(WebApplication app, string databasePath, Uri baseUri)
    {
        this.app = app;
        this.databasePath = databasePath;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Gets the base for WebSockets to the sample (Blazor's circuit), e.g. <c>ws://127.0.0.1:1234/</c>.</summary>
    public string WebSocketBase => new UriBuilder(BaseUri) { Scheme = "ws" }.Uri.ToString();

    public string Url(string relative) => new Uri(BaseUri, relative).ToString();

    public static async Task<SampleHost> StartAsync()
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"reauth-sample-test-{Guid.NewGuid():N}.db");
        // The DevProvider's redirect URIs carry the port, so the sample needs a fixed one: take a free port, then bind it.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var app = ReauthSampleApp.Build(
            [
                $"--urls=http://127.0.0.1:{port}",
                $"--OAuth2Capture:Store:ConnectionString=Data Source={databasePath};Pooling=False",
                "--environment=Development",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            ]);
            try
            {
                await app.StartAsync();
                return new SampleHost(app, databasePath, new Uri($"http://127.0.0.1:{port}/"));
            }
            catch (IOException) when (attempt < 3)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(databasePath + suffix);
        }
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Benchmarks.Infrastructure;

/// <summary>
/// An in-process web app (<see cref="TestServer"/>, no sockets) with OAuth2Capture configured as an app would
/// (<c>AddOAuth2Capture</c>, a real SQLite file with pooled connections and the shipped migrations, ephemeral Data
/// Protection keys, no logging), a <see cref="HeaderUserHandler"/> scheme that signs the user in from a header, and a
/// <see cref="CommandCounter"/> on the library's context. The caller configures the providers and maps the endpoints.
/// </summary>
internal sealed class BenchWebApp : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string databasePath;

    private BenchWebApp(WebApplication app, string databasePath, CommandCounter commands, string user)
    {
        this.app = app;
        this.databasePath = databasePath;
        Commands = commands;
        Client = app.GetTestClient();
        Client.DefaultRequestHeaders.Add(HeaderUserHandler.Header, user);
    }

    /// <summary>Gets a client of the test server whose requests are signed in as the user given at start.</summary>
    public HttpClient Client { get; }

    /// <summary>Gets the count of commands sent to the store (every round trip of the library's context).</summary>
    public CommandCounter Commands { get; }

    public IServiceProvider Services => app.Services;

    /// <param name="user">The user every request of <see cref="Client"/> is signed in as.</param>
    /// <param name="configure">Sets the providers (and anything else) on the library's options.</param>
    /// <param name="map">Adds middleware and endpoints; authentication is already in the pipeline.</param>
    public static async Task<BenchWebApp> StartAsync(string user, Action<OAuth2CaptureOptions> configure, Action<WebApplication> map, CancellationToken cancellationToken = default)
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"oauth2capture-bench-web-{Guid.NewGuid():N}.db");
        var commands = new CommandCounter();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(HeaderUserHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderUserHandler>(HeaderUserHandler.SchemeName, null);
        builder.Services.AddOAuth2Capture(options =>
        {
            options.Store.ConnectionString = $"Data Source={databasePath}";
            configure(options);
        });
        builder.Services.ConfigureDbContext<OAuth2CaptureDbContext>(db => db.AddInterceptors(commands));
        var app = builder.Build();
        app.UseAuthentication();
        map(app);
        await app.StartAsync(cancellationToken);
        return new BenchWebApp(app, databasePath, commands, user);
    }

    /// <summary>Stores a connection for <paramref name="owner"/> directly through <see cref="ITokenStore.CreateAsync"/>, tokens encrypted with <see cref="ITokenProtector.Protect"/>.</summary>
    public async Task<Guid> SeedAsync(string owner, string provider, string accessToken, string? refreshToken, TimeSpan expiresIn, string? grantedScope = null, CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        var protector = scope.ServiceProvider.GetRequiredService<ITokenProtector>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var row = new OAuthToken
        {
            Id = Guid.NewGuid(),
            OwnerId = owner,
            Provider = provider,
            ProviderUserId = $"{provider}-{owner}",
            DisplayName = owner,
            EncryptedAccessToken = protector.Protect(accessToken),
            EncryptedRefreshToken = refreshToken is null ? null : protector.Protect(refreshToken),
            AccessTokenExpiresAt = now + expiresIn,
            TokenType = "Bearer",
            Scope = grantedScope,
            CreatedAt = now,
            UpdatedAt = now,
            AuthorizedAt = now,
        };
        await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync(row, cancellationToken);
        return row.Id;
    }

    /// <summary>Sends one GET and returns the body; throws unless the answer is 200.</summary>
    public async Task<string> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? body
            : throw new InvalidOperationException($"GET {path} answered HTTP {(int)response.StatusCode}: {body}");
    }

    /// <summary>Counts the store commands of one GET to <paramref name="path"/> (run alone: nothing else uses the store meanwhile).</summary>
    public async Task<long> CountStoreCommandsAsync(string path, CancellationToken cancellationToken = default)
    {
        var before = Commands.Count;
        _ = await GetAsync(path, cancellationToken);
        return Commands.Count - before;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(databasePath + suffix);
        }
    }
}

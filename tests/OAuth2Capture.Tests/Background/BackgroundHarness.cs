using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Background;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tests.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// The database and Data Protection keys that several app instances share: a SQLite file (the library puts it in WAL mode at
/// start-up) or a PostgreSQL database of its own (skipped without a server, failed in CI), and a key folder.
/// </summary>
internal sealed class SharedDatabase : IAsyncDisposable
{
    private readonly PostgreSqlTestDatabase? postgres;

    /// <summary>A SQLite file.</summary>
    public SharedDatabase()
    {
        var path = Path.Combine(Environment.GetEnvironmentVariable("OAUTH2CAPTURE_TEST_DB_DIR") ?? Path.GetTempPath(), $"oauth2capture-bg-{Guid.NewGuid():N}.db");
        Provider = OAuth2CaptureStoreProvider.Sqlite;
        ConnectionString = $"Data Source={path}";
        SqlitePath = path;
    }

    private SharedDatabase(PostgreSqlTestDatabase postgres)
    {
        this.postgres = postgres;
        Provider = OAuth2CaptureStoreProvider.PostgreSql;
        ConnectionString = postgres.ConnectionString;
    }

    public OAuth2CaptureStoreProvider Provider { get; }

    public string ConnectionString { get; }

    public string? SqlitePath { get; }

    public string KeysPath { get; } = Path.Combine(Path.GetTempPath(), $"oauth2capture-bg-keys-{Guid.NewGuid():N}");

    /// <summary>Gets both engines, for a test written once to run on each (<c>[MemberData(nameof(SharedDatabase.Engines), ...)]</c>).</summary>
    public static TheoryData<OAuth2CaptureStoreProvider> Engines => [OAuth2CaptureStoreProvider.Sqlite, OAuth2CaptureStoreProvider.PostgreSql];

    /// <summary>A fresh database of the engine: tests written once run on both.</summary>
    public static async Task<SharedDatabase> CreateAsync(OAuth2CaptureStoreProvider engine, CancellationToken cancellationToken)
        => engine == OAuth2CaptureStoreProvider.PostgreSql
            ? new SharedDatabase(await PostgreSqlTestDatabase.CreateAsync(maxPoolSize: 20, cancellationToken: cancellationToken))
            : new SharedDatabase();

    public async ValueTask DisposeAsync()
    {
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
            {
                File.Delete(SqlitePath + suffix);
            }
        }

        if (Directory.Exists(KeysPath))
        {
            Directory.Delete(KeysPath, recursive: true);
        }
    }
}

/// <summary>Collects notifications across instances (registered as a singleton instance in each).</summary>
internal sealed class RecordingNotifier : OAuth2Capture.Reauth.IReauthNotifier
{
    public System.Collections.Concurrent.ConcurrentQueue<OAuth2Capture.Reauth.ReauthNotificationContext> Received { get; } = new();

    public Task NotifyAsync(OAuth2Capture.Reauth.ReauthNotificationContext context, CancellationToken cancellationToken)
    {
        Received.Enqueue(context);
        return Task.CompletedTask;
    }
}

/// <summary>One app instance: OAuth2Capture with the background refresher (timer off; tests call RunOnceAsync) on a shared database.</summary>
internal sealed class BackgroundHarness : IAsyncDisposable
{
    public const string DevName = "dev";
    public const string FakeName = "fake";

    private readonly IHost host;

    private BackgroundHarness(IHost host, ShiftableTimeProvider clock)
    {
        this.host = host;
        Clock = clock;
    }

    public ShiftableTimeProvider Clock { get; }

    public IServiceProvider Services => host.Services;

    public BackgroundTokenRefresher Refresher => Services.GetRequiredService<BackgroundTokenRefresher>();

    /// <summary>Starts an instance on <paramref name="database"/>.</summary>
    /// <param name="clock">The clock of an earlier instance, to start another one (a restart) at the same time.</param>
    public static async Task<BackgroundHarness> StartAsync(SharedDatabase database, DevProviderServer? dev = null, FakeTokenEndpoint? fake = null,
        Action<OAuth2CaptureBackgroundRefreshOptions>? background = null, RecordingNotifier? notifier = null, Action<IServiceCollection>? services = null,
        ShiftableTimeProvider? clock = null)
    {
        clock ??= new ShiftableTimeProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddDataProtection().SetApplicationName("oauth2capture-bg-tests").PersistKeysToFileSystem(new DirectoryInfo(database.KeysPath));
        var capture = builder.Services.AddOAuth2Capture(options =>
        {
            options.Store.Provider = database.Provider;
            options.Store.ConnectionString = database.ConnectionString;
            options.Resilience.RetryDelay = TimeSpan.FromMilliseconds(10);
            options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(2);
            options.Resilience.TotalTimeout = TimeSpan.FromSeconds(6);
            options.Resilience.CircuitBreakerMinimumThroughput = 10_000; // the most the validator allows: never trips here
            if (dev is not null)
            {
                options.Providers[DevName] = DevProviderTestSettings.Provider(dev);
            }

            if (fake is not null)
            {
                options.Providers[FakeName] = new OAuthProviderOptions
                {
                    ClientId = "fake-client",
                    ClientSecret = "fake-secret",
                    AuthorizationEndpoint = new Uri(fake.BaseUri, "/authorize").ToString(),
                    TokenEndpoint = fake.TokenEndpoint.ToString(),
                    UserInformationEndpoint = new Uri(fake.BaseUri, "/userinfo").ToString(),
                    Scopes = ["read"],
                };
            }

            background?.Invoke(options.BackgroundRefresh);
        });
        if (notifier is not null)
        {
            builder.Services.AddSingleton(notifier);
            builder.Services.AddScoped<OAuth2Capture.Reauth.IReauthNotifier>(sp => sp.GetRequiredService<RecordingNotifier>());
        }

        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new BackgroundHarness(host, clock);
    }

    /// <summary>Adds <paramref name="counter"/> to the library's context on either engine, to count the store's commands.</summary>
    public static Action<IServiceCollection> CountCommands(CommandCounter counter) => services =>
    {
        services.ConfigureDbContext<OAuth2CaptureDbContext>(options => options.AddInterceptors(counter));
    };

    /// <summary>Runs the code flow at the DevProvider and stores the tokens as the owner's connection.</summary>
    public async Task<Guid> ConnectDevAsync(DevProviderServer dev, string owner, string devUser, CancellationToken cancellationToken)
    {
        var tokens = await DevProviderFlow.ObtainTokensAsync(dev, devUser, cancellationToken);
        var now = Clock.GetUtcNow();
        return await SeedAsync(DevName, owner, devUser, tokens.AccessToken, tokens.RefreshToken, now.AddSeconds(tokens.ExpiresIn), cancellationToken);
    }

    public async Task<Guid> SeedAsync(string provider, string owner, string account, string accessToken, string? refreshToken, DateTimeOffset? expiresAt, CancellationToken cancellationToken,
        DateTimeOffset? refreshExpiresAt = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var protector = scope.ServiceProvider.GetRequiredService<ITokenProtector>();
        var now = Clock.GetUtcNow();
        var row = new OAuthToken
        {
            Id = Guid.NewGuid(),
            OwnerId = owner,
            Provider = provider,
            ProviderUserId = account,
            DisplayName = account,
            EncryptedAccessToken = protector.Protect(accessToken),
            EncryptedRefreshToken = refreshToken is null ? null : protector.Protect(refreshToken),
            AccessTokenExpiresAt = expiresAt,
            RefreshTokenExpiresAt = refreshExpiresAt,
            TokenType = "Bearer",
            CreatedAt = now,
            UpdatedAt = now.AddHours(-1),
            AuthorizedAt = now.AddHours(-1),
        };
        await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync(row, cancellationToken);
        return row.Id;
    }

    /// <summary>Seeds many fake-provider rows in batches (one SaveChanges per batch), each with its own refresh token <c>rt-{i}</c>.</summary>
    public async Task SeedManyAsync(int count, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var protector = Services.GetRequiredService<ITokenProtector>();
        var accessToken = protector.Protect("at-initial");
        var now = Clock.GetUtcNow();
        for (var start = 0; start < count; start += 1000)
        {
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            for (var i = start; i < Math.Min(count, start + 1000); i++)
            {
                db.Add(new OAuthToken
                {
                    Id = Guid.NewGuid(),
                    OwnerId = $"user-{i}",
                    Provider = FakeName,
                    ProviderUserId = $"account-{i}",
                    EncryptedAccessToken = accessToken,
                    EncryptedRefreshToken = protector.Protect($"rt-{i}"),
                    AccessTokenExpiresAt = expiresAt.AddMilliseconds(i % 97),
                    TokenType = "Bearer",
                    CreatedAt = now.AddHours(-1),
                    UpdatedAt = now.AddHours(-1),
                    AuthorizedAt = now.AddHours(-1),
                });
            }

            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task<OAuthToken?> ReadRowAsync(Guid id)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindByIdAsync(id, CancellationToken.None);
    }

    public async Task<TokenResult> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(id, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

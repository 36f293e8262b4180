using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Benchmarks.Infrastructure;

/// <summary>
/// An app host with OAuth2Capture configured as an app would (<c>AddOAuth2Capture</c>, generic provider <c>dev</c> defined by
/// endpoints only) against a running DevProvider on 127.0.0.1, a real SQLite file (pooled connections, migrations applied at
/// start-up), a shiftable clock and no logging. Mirrors the tests' <c>CaptureHarness</c>.
/// </summary>
internal sealed class BenchApp : IAsyncDisposable
{
    public const string Provider = "dev";

    private readonly IHost host;
    private readonly string? databasePath;

    private BenchApp(IHost host, string? databasePath, DevProviderServer dev, ShiftableTimeProvider clock, CommandCounter commands)
    {
        this.host = host;
        this.databasePath = databasePath;
        Dev = dev;
        Clock = clock;
        Commands = commands;
    }

    public DevProviderServer Dev { get; }

    public ShiftableTimeProvider Clock { get; }

    /// <summary>Gets the count of commands sent to the store (every round trip of the library's context).</summary>
    public CommandCounter Commands { get; }

    public IServiceProvider Services => host.Services;

    /// <param name="dev">The provider.</param>
    /// <param name="tokenCache">The library's <c>TokenCacheDuration</c>; zero (the default) leaves the cache off.</param>
    /// <param name="shared">A store and key ring shared with other instances (not removed on dispose); <see langword="null"/>
    /// for a SQLite file and ephemeral keys of this app's own. On a shared PostgreSQL store <see cref="Commands"/> counts nothing
    /// (the PostgreSQL context's options are the library's); count with a <see cref="StoreCommandListener"/> instead.</param>
    /// <param name="services">More registrations of the scenario (its HTTP clients).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<BenchApp> StartAsync(DevProviderServer dev, TimeSpan tokenCache = default, BenchDatabase? shared = null, Action<IServiceCollection>? services = null, CancellationToken cancellationToken = default)
    {
        var databasePath = shared is null ? Path.Combine(Path.GetTempPath(), $"oauth2capture-bench-{Guid.NewGuid():N}.db") : null;
        var clock = new ShiftableTimeProvider();
        var commands = new CommandCounter();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        if (shared is null)
        {
            builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        }
        else
        {
            shared.ShareKeys(builder.Services, "oauth2capture-bench");
        }

        builder.Services.AddOAuth2Capture(options =>
        {
            options.Store.ConnectionString = $"Data Source={databasePath}";
            shared?.UseAsStore(options);
            options.TokenCacheDuration = tokenCache;
            options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10);
            options.Resilience.TotalTimeout = TimeSpan.FromSeconds(30);
            options.RefreshLeaseDuration = TimeSpan.FromSeconds(45); // must outlast the total timeout
            options.Resilience.CircuitBreakerMinimumThroughput = 10_000; // the most the validator allows: never trips here
            options.Providers[Provider] = ProviderOptions(dev);
        });
        builder.Services.ConfigureDbContext<OAuth2CaptureDbContext>(db => db.AddInterceptors(commands));
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new BenchApp(host, databasePath, dev, clock, commands);
    }

    /// <summary>The DevProvider as a generic provider defined by its endpoints only, as an app would configure it.</summary>
    public static OAuthProviderOptions ProviderOptions(DevProviderServer dev) => new()
    {
        ClientId = dev.Options.ClientId,
        ClientSecret = dev.Options.ClientSecret,
        DisplayName = "DevProvider",
        AuthorizationEndpoint = dev.AuthorizationEndpoint.ToString(),
        TokenEndpoint = dev.TokenEndpoint.ToString(),
        UserInformationEndpoint = dev.UserInfoEndpoint.ToString(),
        RevocationEndpoint = dev.RevocationEndpoint.ToString(),
        IntrospectionEndpoint = dev.IntrospectionEndpoint.ToString(),
        Scopes = [.. DevProviderCodeFlow.Scopes],
    };

    /// <summary>Runs the code flow at the DevProvider for <paramref name="devUser"/> and stores the tokens as <paramref name="owner"/>'s connection.</summary>
    public async Task<Guid> ConnectAsync(string owner, string devUser, CancellationToken cancellationToken = default)
    {
        var tokens = await DevProviderCodeFlow.ObtainTokensAsync(Dev, devUser, cancellationToken);
        await using var scope = Services.CreateAsyncScope();
        var protector = scope.ServiceProvider.GetRequiredService<ITokenProtector>();
        var now = Clock.GetUtcNow();
        var row = new OAuthToken
        {
            Id = Guid.NewGuid(),
            OwnerId = owner,
            Provider = Provider,
            ProviderUserId = devUser,
            DisplayName = devUser,
            EncryptedAccessToken = protector.Protect(tokens.AccessToken),
            EncryptedRefreshToken = tokens.RefreshToken is null ? null : protector.Protect(tokens.RefreshToken),
            AccessTokenExpiresAt = now.AddSeconds(tokens.ExpiresIn),
            TokenType = tokens.TokenType,
            Scope = tokens.Scope,
            CreatedAt = now,
            UpdatedAt = now,
            AuthorizedAt = now,
        };
        await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync(row, cancellationToken);
        return row.Id;
    }

    /// <summary>What a protected request does through the library: one scope, <see cref="ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/>.</summary>
    public async Task<TokenResult> GetValidTokenAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(owner, Provider, cancellationToken);
    }

    /// <summary>The hand-written baseline: one scope, the one indexed store read and a decrypt, no freshness logic.</summary>
    public async Task<string?> ReadTokenByHandAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindLatestAsync(owner, Provider, cancellationToken);
        return row is null ? null : scope.ServiceProvider.GetRequiredService<ITokenProtector>().Unprotect(row.EncryptedAccessToken);
    }

    /// <summary>Moves the app's clock past the access token's expiry (the DevProvider issues one-hour tokens).</summary>
    public void ExpireAccessTokens() => Clock.Advance(TimeSpan.FromHours(2));

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        if (databasePath is null)
        {
            return; // The shared store belongs to whoever created it.
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(databasePath + suffix);
        }
    }
}

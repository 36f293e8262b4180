using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// An app's services with OAuth2Capture configured against a running DevProvider (provider name <c>dev</c>, a generic
/// provider defined by endpoints only), a real SQLite file, a shiftable clock and captured logs. With
/// <see cref="CaptureHarnessSettings"/>, several harnesses become app instances sharing one database, clock and key ring.
/// </summary>
internal sealed class CaptureHarness : IAsyncDisposable
{
    public const string Provider = "dev";

    private readonly IHost host;
    private readonly string? databasePath;

    private CaptureHarness(IHost host, string? databasePath, DevProviderServer dev, ShiftableTimeProvider clock)
    {
        this.host = host;
        this.databasePath = databasePath;
        Dev = dev;
        Clock = clock;
    }

    public DevProviderServer Dev { get; }

    public ShiftableTimeProvider Clock { get; }

    public IServiceProvider Services => host.Services;

    public FakeLogCollector Logs => host.Services.GetFakeLogCollector();

    public static async Task<CaptureHarness> StartAsync(DevProviderServer dev, Action<OAuth2CaptureOptions>? configure = null, Action<IServiceCollection>? services = null, CaptureHarnessSettings? settings = null)
    {
        settings ??= new CaptureHarnessSettings();
        var databasePath = settings.ConnectionString is null ? Path.Combine(Path.GetTempPath(), $"oauth2capture-tests-{Guid.NewGuid():N}.db") : null;
        var clock = settings.Clock ?? new ShiftableTimeProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(clock);
        if (settings.DataProtection is { } dataProtection)
        {
            dataProtection(builder.Services.AddDataProtection());
        }
        else
        {
            builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        }

        builder.Services.AddOAuth2Capture(options =>
        {
            DevProviderTestSettings.Apply(options, dev, databasePath ?? "unused.db");
            options.Store.Provider = settings.StoreProvider;
            options.Store.ConnectionString = settings.ConnectionString ?? options.Store.ConnectionString;
            configure?.Invoke(options);
        });
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new CaptureHarness(host, databasePath, dev, clock);
    }

    /// <summary>Runs the authorization-code flow at the DevProvider for <paramref name="devUser"/> and stores the tokens as <paramref name="owner"/>'s connection.</summary>
    public Task<(Guid Id, TokenResponse Tokens)> ConnectAsync(string owner, string devUser, CancellationToken cancellationToken = default)
        => DevConnection.CreateAsync(Services, Dev, owner, devUser, Clock.GetUtcNow(), cancellationToken);

    public async Task<TokenResult> GetAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(owner, Provider, cancellationToken);
    }

    public async Task<T> WithServiceAsync<T>(Func<ITokenValidityService, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ITokenValidityService>());
    }

    public async Task<OAuthToken?> ReadRowAsync(Guid id)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindByIdAsync(id, CancellationToken.None);
    }

    public string Unprotect(string ciphertext) => Services.GetRequiredService<ITokenProtector>().Unprotect(ciphertext);

    /// <summary>Moves the app's clock past the access token's expiry (the DevProvider issues one-hour tokens).</summary>
    public void ExpireAccessTokens() => Clock.Advance(TimeSpan.FromHours(2));

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        if (databasePath is null)
        {
            return; // The database belongs to the test that shares it.
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(databasePath + suffix);
        }
    }
}

/// <summary>Where a <see cref="CaptureHarness"/> keeps its data; the defaults give each harness a private SQLite file.</summary>
internal sealed class CaptureHarnessSettings
{
    /// <summary>Gets the store engine.</summary>
    public OAuth2CaptureStoreProvider StoreProvider { get; init; } = OAuth2CaptureStoreProvider.Sqlite;

    /// <summary>Gets a store shared with other harnesses (not deleted at dispose); <see langword="null"/> for a private SQLite file.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Gets a clock shared with other harnesses; <see langword="null"/> for a clock of its own.</summary>
    public ShiftableTimeProvider? Clock { get; init; }

    /// <summary>Gets how Data Protection keeps its keys; <see langword="null"/> for an ephemeral key ring of its own.</summary>
    public Action<IDataProtectionBuilder>? DataProtection { get; init; }
}

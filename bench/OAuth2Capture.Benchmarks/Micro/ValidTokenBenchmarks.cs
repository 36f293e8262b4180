using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Benchmarks.Infrastructure;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Benchmarks.Micro;

/// <summary>
/// Scenario 5 (<see cref="ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/>, valid-token path) and
/// the service-level store-read baseline of scenario 1: the library against the one indexed store read done by hand
/// (<see cref="ITokenStore.FindLatestAsync"/> + <see cref="ITokenProtector.Unprotect"/>), same SQLite file, same row.
/// <para>
/// <c>PerRequest</c> opens a DI scope per call, as a request does (so a new DbContext each time); <c>SharedScope</c> resolves
/// the services once and shows the library's own overhead without the scope and context set-up. The "token cache on" rows
/// run against a second app with <c>OAuth2Capture:TokenCacheDuration</c> set: after the first call, no store round trip.
/// </para>
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ValidTokenBenchmarks
{
    public const string Owner = "bench-user";

    private DevProviderServer? dev;
    private BenchApp? app;
    private AsyncServiceScope sharedScope;
    private ITokenValidityService? sharedService;
    private ITokenStore? sharedStore;
    private ITokenProtector? sharedProtector;
    private BenchApp? cachedApp;
    private AsyncServiceScope cachedScope;
    private ITokenValidityService? cachedService;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        dev = await DevProviderServer.StartAsync();
        app = await BenchApp.StartAsync(dev);
        await app.ConnectAsync(Owner, "alice");
        sharedScope = app.Services.CreateAsyncScope();
        sharedService = sharedScope.ServiceProvider.GetRequiredService<ITokenValidityService>();
        sharedStore = sharedScope.ServiceProvider.GetRequiredService<ITokenStore>();
        sharedProtector = sharedScope.ServiceProvider.GetRequiredService<ITokenProtector>();

        cachedApp = await BenchApp.StartAsync(dev, TimeSpan.FromMinutes(10));
        await cachedApp.ConnectAsync(Owner, "bob");
        cachedScope = cachedApp.Services.CreateAsyncScope();
        cachedService = cachedScope.ServiceProvider.GetRequiredService<ITokenValidityService>();

        // Both paths must hand out the same token from the same row, from the store, without a refresh.
        var byHand = await StoreReadByHand();
        var result = await GetValidToken();
        if (result.Status != TokenStatus.Valid || result.AccessToken != byHand)
        {
            throw new InvalidOperationException($"The two paths disagree: {result.Status}.");
        }

        var stored = await cachedApp.ReadTokenByHandAsync(Owner);
        var first = await GetValidTokenCached();
        var commandsBefore = cachedApp.Commands.Count;
        var again = await GetValidTokenCachedSharedScope();
        if (first.AccessToken != stored || again.AccessToken != stored || cachedApp.Commands.Count != commandsBefore)
        {
            throw new InvalidOperationException("The cached path does not answer the stored token from memory.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await sharedScope.DisposeAsync();
        await cachedScope.DisposeAsync();
        foreach (var bench in new[] { app, cachedApp })
        {
            if (bench is not null)
            {
                await bench.DisposeAsync();
            }
        }

        if (dev is not null)
        {
            await dev.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "FindLatestAsync + Unprotect (by hand)")]
    [BenchmarkCategory("PerRequest")]
    public Task<string?> StoreReadByHand() => app!.ReadTokenByHandAsync(Owner);

    [Benchmark(Description = "GetValidTokenAsync")]
    [BenchmarkCategory("PerRequest")]
    public Task<TokenResult> GetValidToken() => app!.GetValidTokenAsync(Owner);

    [Benchmark(Description = "GetValidTokenAsync, token cache on")]
    [BenchmarkCategory("PerRequest")]
    public Task<TokenResult> GetValidTokenCached() => cachedApp!.GetValidTokenAsync(Owner);

    [Benchmark(Baseline = true, Description = "FindLatestAsync + Unprotect (by hand)")]
    [BenchmarkCategory("SharedScope")]
    public async Task<string?> StoreReadByHandSharedScope()
    {
        var row = await sharedStore!.FindLatestAsync(Owner, BenchApp.Provider, CancellationToken.None);
        return row is null ? null : sharedProtector!.Unprotect(row.EncryptedAccessToken);
    }

    [Benchmark(Description = "GetValidTokenAsync")]
    [BenchmarkCategory("SharedScope")]
    public Task<TokenResult> GetValidTokenSharedScope() => sharedService!.GetValidTokenAsync(Owner, BenchApp.Provider);

    [Benchmark(Description = "GetValidTokenAsync, token cache on")]
    [BenchmarkCategory("SharedScope")]
    public Task<TokenResult> GetValidTokenCachedSharedScope() => cachedService!.GetValidTokenAsync(Owner, BenchApp.Provider);
}

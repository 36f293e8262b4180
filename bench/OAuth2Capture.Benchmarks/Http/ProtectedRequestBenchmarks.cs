using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Benchmarks.Infrastructure;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Benchmarks.Http;

/// <summary>
/// Scenario 1: one GET through the whole ASP.NET Core pipeline (TestServer, in process) to a minimal-API endpoint behind
/// <c>.RequireOAuthToken("dev")</c> that reads <c>HttpContext.GetOAuthToken("dev")</c>, against the same endpoint doing the
/// one indexed store read by hand (<see cref="ITokenStore.FindLatestAsync"/> + <see cref="ITokenProtector.Unprotect"/>).
/// Same app, same pipeline (a header signs the user in), same SQLite row holding real DevProvider tokens; both answer
/// the access token as text. The token is valid, so nothing calls the provider. A second app, identical but for
/// <c>OAuth2Capture:TokenCacheDuration</c>, serves the library's endpoint from the token cache.
/// </summary>
[MemoryDiagnoser]
public class ProtectedRequestBenchmarks
{
    public const string Owner = "bench-user";
    public const string LibraryPath = "/library";
    public const string ByHandPath = "/by-hand";

    /// <summary>The cache duration of the second app: longer than a benchmark run, within what the validator allows.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(10);

    private DevProviderServer? dev;
    private BenchWebApp? app;
    private BenchWebApp? cachedApp;

    /// <summary>Gets the store round trips of one request to the library's endpoint, counted once in the set-up.</summary>
    public long LibraryStoreCommands { get; private set; }

    /// <summary>Gets the store round trips of one request to the hand-written endpoint, counted once in the set-up.</summary>
    public long ByHandStoreCommands { get; private set; }

    /// <summary>Gets the store round trips of one request to the library's endpoint with the token cache on (after its first request).</summary>
    public long CachedStoreCommands { get; private set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        dev = await DevProviderServer.StartAsync();
        app = await StartAppAsync(dev, TimeSpan.Zero);
        cachedApp = await StartAppAsync(dev, CacheDuration);

        ByHandStoreCommands = await app.CountStoreCommandsAsync(ByHandPath);
        LibraryStoreCommands = await app.CountStoreCommandsAsync(LibraryPath);
        CachedStoreCommands = await cachedApp.CountStoreCommandsAsync(LibraryPath);
        Console.WriteLine($"// store round trips per request: library {LibraryStoreCommands}, by hand {ByHandStoreCommands}, library with the token cache {CachedStoreCommands}");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var web in new[] { app, cachedApp })
        {
            if (web is not null)
            {
                await web.DisposeAsync();
            }
        }

        if (dev is not null)
        {
            await dev.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "GET, FindLatestAsync + Unprotect (by hand)")]
    public Task<string> ByHand() => app!.GetAsync(ByHandPath);

    [Benchmark(Description = "GET, .RequireOAuthToken + GetOAuthToken")]
    public Task<string> RequireOAuthToken() => app!.GetAsync(LibraryPath);

    [Benchmark(Description = "GET, .RequireOAuthToken + GetOAuthToken, token cache on")]
    public Task<string> RequireOAuthTokenCached() => cachedApp!.GetAsync(LibraryPath);

    /// <summary>Starts one app with a real connection for <see cref="Owner"/>, and checks that both endpoints answer its access token without a refresh.</summary>
    private static async Task<BenchWebApp> StartAppAsync(DevProviderServer server, TimeSpan tokenCache)
    {
        var web = await BenchWebApp.StartAsync(
            Owner,
            options =>
            {
                options.TokenCacheDuration = tokenCache;
                options.Providers[BenchApp.Provider] = BenchApp.ProviderOptions(server);
            },
            Map);
        var tokens = await DevProviderCodeFlow.ObtainTokensAsync(server, "alice", CancellationToken.None);
        await web.SeedAsync(Owner, BenchApp.Provider, tokens.AccessToken, tokens.RefreshToken, TimeSpan.FromSeconds(tokens.ExpiresIn), tokens.Scope);

        var byHand = await web.GetAsync(ByHandPath);
        var library = await web.GetAsync(LibraryPath);
        if (byHand != tokens.AccessToken || library != tokens.AccessToken)
        {
            throw new InvalidOperationException("The two endpoints do not answer the stored access token.");
        }

        return web;
    }

    private static void Map(WebApplication web)
    {
        web.MapGet(LibraryPath, (HttpContext context) => Results.Text(context.GetOAuthToken(BenchApp.Provider)!.AccessToken))
            .RequireOAuthToken(BenchApp.Provider);

        // What an app would write without the library: the owner from the signed-in user, the one indexed read, a decrypt.
        web.MapGet(ByHandPath, async (HttpContext context, ITokenStore store, ITokenProtector protector) =>
        {
            if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } owner)
            {
                return Results.Challenge();
            }

            var row = await store.FindLatestAsync(owner, BenchApp.Provider, context.RequestAborted);
            return row is null ? Results.NotFound() : Results.Text(protector.Unprotect(row.EncryptedAccessToken));
        });
    }
}

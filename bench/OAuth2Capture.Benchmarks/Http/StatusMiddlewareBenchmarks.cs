using System.Globalization;
using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OAuth2Capture.Benchmarks.Infrastructure;
using OAuth2Capture.Http;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Benchmarks.Http;

/// <summary>
/// Scenario 2: one GET through <c>app.UseOAuth2Capture()</c> to an endpoint that reads
/// <c>HttpContext.GetOAuthStatus().GetProvidersAsync()</c>, with <see cref="Providers"/> generic providers configured and
/// as many connections seeded for the user (one per provider, valid tokens). The providers' endpoints are on 127.0.0.1
/// and nothing calls them on this path. The baseline is the same endpoint listing the user's rows by hand with
/// <see cref="ITokenStore.ListByOwnerAsync"/> (the one query the status needs, without deriving any state); both
/// answer the number of active connections, so the body is the same size whatever N.
/// </summary>
[MemoryDiagnoser]
public class StatusMiddlewareBenchmarks
{
    public const string Owner = "bench-user";
    public const string LibraryPath = "/status";
    public const string ByHandPath = "/rows-by-hand";

    private BenchWebApp? app;

    [Params(1, 10, 50)]
    public int Providers { get; set; } = 1;

    /// <summary>Gets the store round trips of one request to the status endpoint, counted once in the set-up.</summary>
    public long LibraryStoreCommands { get; private set; }

    /// <summary>Gets the store round trips of one request to the hand-written endpoint, counted once in the set-up.</summary>
    public long ByHandStoreCommands { get; private set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var count = Providers;
        app = await BenchWebApp.StartAsync(
            Owner,
            options =>
            {
                for (var i = 0; i < count; i++)
                {
                    var origin = $"http://127.0.0.1:9/p{i.ToString(CultureInfo.InvariantCulture)}";
                    options.Providers[Name(i)] = new OAuthProviderOptions
                    {
                        ClientId = $"client-{i.ToString(CultureInfo.InvariantCulture)}",
                        ClientSecret = "secret",
                        AuthorizationEndpoint = $"{origin}/authorize",
                        TokenEndpoint = $"{origin}/token",
                        Scopes = ["read"],
                    };
                }
            },
            Map);
        for (var i = 0; i < count; i++)
        {
            await app.SeedAsync(Owner, Name(i), $"access-{i.ToString(CultureInfo.InvariantCulture)}", $"refresh-{i.ToString(CultureInfo.InvariantCulture)}", TimeSpan.FromHours(1), "read");
        }

        var expected = count.ToString(CultureInfo.InvariantCulture);
        var library = await app.GetAsync(LibraryPath);
        var byHand = await app.GetAsync(ByHandPath);
        if (library != expected || byHand != expected)
        {
            throw new InvalidOperationException($"Expected {expected} active connections, the status said {library} and the rows {byHand}.");
        }

        ByHandStoreCommands = await app.CountStoreCommandsAsync(ByHandPath);
        LibraryStoreCommands = await app.CountStoreCommandsAsync(LibraryPath);
        Console.WriteLine($"// {count} providers: store round trips per request: status {LibraryStoreCommands}, by hand {ByHandStoreCommands}");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "GET, ListByOwnerAsync (by hand)")]
    public Task<string> ByHand() => app!.GetAsync(ByHandPath);

    [Benchmark(Description = "GET, UseOAuth2Capture + GetOAuthStatus().GetProvidersAsync")]
    public Task<string> Status() => app!.GetAsync(LibraryPath);

    private static string Name(int i) => $"p{i.ToString(CultureInfo.InvariantCulture)}";

    private static void Map(WebApplication web)
    {
        web.UseOAuth2Capture();
        web.MapGet(LibraryPath, async (HttpContext context) =>
        {
            var statuses = await context.GetOAuthStatus()!.GetProvidersAsync(context.RequestAborted);
            return Results.Text(statuses.Count(status => status.State == OAuthConnectionState.Active).ToString(CultureInfo.InvariantCulture));
        });

        web.MapGet(ByHandPath, async (HttpContext context, ITokenStore store) =>
        {
            if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } owner)
            {
                return Results.Challenge();
            }

            var rows = await store.ListByOwnerAsync(owner, context.RequestAborted);
            return Results.Text(rows.Count(row => row.Status == ConnectionHealth.Active).ToString(CultureInfo.InvariantCulture));
        });
    }
}

using System.Net;
using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Benchmarks.Infrastructure;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Benchmarks.Micro;

/// <summary>
/// A call of the provider's API from a background job (no HTTP request, so each call opens its own DI scope), valid token:
/// through a client with <c>AddOAuth2CaptureToken</c> against the same call written by hand (a scope,
/// <see cref="ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/>, the <c>Authorization</c> header).
/// Both clients end in the same in-memory "API", which checks the header and answers 200, so the handler's own cost is
/// what differs; the store read (same SQLite row) is in both.
/// </summary>
[MemoryDiagnoser]
public class ApiHandlerBenchmarks
{
    private const string Owner = "bench-user";
    private const string WithHandler = "with-handler";
    private const string ByHand = "by-hand";

    private DevProviderServer? dev;
    private BenchApp? app;
    private HttpClient? withHandler;
    private HttpClient? byHand;
    private IServiceScopeFactory? scopes;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        dev = await DevProviderServer.StartAsync();
        app = await BenchApp.StartAsync(dev, services: services =>
        {
            services.AddHttpClient(WithHandler, http => http.BaseAddress = new Uri("https://api.example/"))
                .AddOAuth2CaptureToken(BenchApp.Provider)
                .ConfigurePrimaryHttpMessageHandler(() => new InMemoryApi());
            services.AddHttpClient(ByHand, http => http.BaseAddress = new Uri("https://api.example/"))
                .ConfigurePrimaryHttpMessageHandler(() => new InMemoryApi());
        });
        await app.ConnectAsync(Owner, "alice");
        var factory = app.Services.GetRequiredService<IHttpClientFactory>();
        withHandler = factory.CreateClient(WithHandler);
        byHand = factory.CreateClient(ByHand);
        scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        if (await ThroughTheHandler() != HttpStatusCode.OK || await WrittenByHand() != HttpStatusCode.OK)
        {
            throw new InvalidOperationException("The API did not receive the stored token.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (dev is not null)
        {
            await dev.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "GET, GetValidTokenAsync + Authorization header (by hand)")]
    public async Task<HttpStatusCode> WrittenByHand()
    {
        await using var scope = scopes!.CreateAsyncScope();
        var token = await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetRequiredTokenAsync(Owner, BenchApp.Provider);
        using var request = new HttpRequestMessage(HttpMethod.Get, "me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var response = await byHand!.SendAsync(request);
        return response.StatusCode;
    }

    [Benchmark(Description = "GET, AddOAuth2CaptureToken")]
    public async Task<HttpStatusCode> ThroughTheHandler()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "me").SetOAuth2CaptureOwner(Owner);
        using var response = await withHandler!.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The provider's API, in memory: 200 with a bearer token, 401 without.</summary>
    private sealed class InMemoryApi : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(new HttpResponseMessage(request.Headers.Authorization is { Scheme: "Bearer", Parameter.Length: > 0 } ? HttpStatusCode.OK : HttpStatusCode.Unauthorized));
    }
}

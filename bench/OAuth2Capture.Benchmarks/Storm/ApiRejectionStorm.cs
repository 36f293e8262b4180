using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Benchmarks.Infrastructure;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Benchmarks.Storm;

/// <summary>What the 401 storm came to: the provider's calls it cost, and how its callers ended.</summary>
/// <param name="Callers">How many API calls were made at once.</param>
/// <param name="RefreshCalls">Token-endpoint refresh calls the storm caused.</param>
/// <param name="Revoked">Callers that got <see cref="TokenRevokedException"/> (all of them, when the decision is shared).</param>
/// <param name="Elapsed">Wall time of the storm.</param>
internal sealed record ApiRejectionResult(int Callers, long RefreshCalls, int Revoked, TimeSpan Elapsed);

/// <summary>
/// The API-side storm: a user revoked the app at the provider while the stored access token is valid for an hour, and
/// <c>callers</c> API calls through a client with <c>AddOAuth2CaptureToken</c> all get a 401 for the same token at once
/// (the DevProvider's user-info endpoint, which checks the token at every call). The library decides once: one refresh
/// (whose <c>invalid_grant</c> marks the connection revoked), and every caller learns it.
/// </summary>
internal static class ApiRejectionStorm
{
    private const string Owner = "storm-user";
    private const string Client = "api";

    public static async Task<ApiRejectionResult> RunAsync(int callers, CancellationToken cancellationToken)
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: cancellationToken);
        await using var app = await BenchApp.StartAsync(dev, services: services =>
            services.AddHttpClient(Client, http => http.BaseAddress = dev.BaseUri).AddOAuth2CaptureToken(BenchApp.Provider), cancellationToken: cancellationToken);
        await app.ConnectAsync(Owner, "alice", cancellationToken);
        await dev.Faults.RevokeGrantAsync("alice", cancellationToken);
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(Client);
        var refreshesBefore = dev.Stats.RefreshRequests;

        var started = TimeProvider.System.GetTimestamp();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "connect/userinfo").SetOAuth2CaptureOwner(Owner);
                using var response = await client.SendAsync(request, cancellationToken);
                return false;
            }
            catch (TokenRevokedException)
            {
                return true;
            }
        }, cancellationToken)));
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        return new ApiRejectionResult(callers, dev.Stats.RefreshRequests - refreshesBefore, outcomes.Count(revoked => revoked), elapsed);
    }
}

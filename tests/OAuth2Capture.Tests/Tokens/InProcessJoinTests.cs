using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tests.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>
/// Callers that join a refresh already in flight in this process: each waits for the flight's outcome and does no store
/// work of its own (no <c>DbContext</c>, no read), whatever the outcome. The refresh is a real one at the DevProvider, held at
/// the app's HTTP client until every joiner is parked, so that which caller leads and which join is decided by the test.
/// Joiners are started one after another on the test's thread: each call runs synchronously until it waits on the flight.
/// </summary>
public sealed class InProcessJoinTests : IAsyncLifetime
{
    private const int Joiners = 200;

    private readonly HeldTokenRequests held = new();
    private readonly ContextCounter contexts = new();
    private readonly CommandCounter reads = new();
    private DevProviderServer dev = null!;
    private CaptureHarness app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await CaptureHarness.StartAsync(dev, services: services =>
        {
            services.AddHttpClient("OAuth2Capture." + CaptureHarness.Provider).AddHttpMessageHandler(() => new HoldingHandler(held));
            services.ConfigureDbContext<OAuth2CaptureDbContext>(options => options.AddInterceptors(reads));
            contexts.Register(services);
        });
    }

    public async ValueTask DisposeAsync()
    {
        held.Release();
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Fact]
    public async Task GetValidToken_with_200_callers_joining_an_in_flight_refresh_builds_one_context_and_one_store_read_beyond_the_leader()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        var (contextsBefore, readsBefore) = (contexts.Count, reads.Selects);

        var (leader, joiners) = await LeadAndJoinAsync(Ct);
        var results = await Task.WhenAll([leader, .. joiners]);

        Assert.Equal(1, dev.Stats.RefreshRequests);
        Assert.All(results, r => Assert.Equal(TokenStatus.Refreshed, r.Status));
        Assert.Single(results.Select(r => r.AccessToken).Distinct());

        // The leader's request context and its read, and the refresh's own scope with its re-read: nothing per joiner.
        Assert.Equal(2, contexts.Count - contextsBefore);
        Assert.Equal(2, reads.Selects - readsBefore);
    }

    [Fact]
    public async Task GetValidToken_with_200_callers_joining_a_refresh_the_provider_refuses_gives_each_the_leaders_ReauthRequired_Revoked()
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        app.ExpireAccessTokens();
        var contextsBefore = contexts.Count;

        var (leader, joiners) = await LeadAndJoinAsync(Ct);
        var results = await Task.WhenAll([leader, .. joiners]);

        Assert.Equal(1, dev.Stats.RefreshRequests);
        Assert.All(results, r =>
        {
            Assert.Equal(TokenStatus.ReauthRequired, r.Status);
            Assert.Equal(ReauthReason.Revoked, r.Reason);
            Assert.Equal(results[0].Error, r.Error);
        });
        Assert.Equal(2, contexts.Count - contextsBefore);
        Assert.Equal(ConnectionHealth.ReauthRequired, (await app.ReadRowAsync(id))!.Status);
    }

    [Fact]
    public async Task GetValidToken_when_one_joiner_gives_up_the_leader_and_the_other_joiners_still_get_the_refreshed_token()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        using var impatient = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var (leader, joiners) = await LeadAndJoinAsync(Ct, releaseHold: false);
        var quitter = app.GetAsync("user-1", impatient.Token);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter);
        held.Release();
        var results = await Task.WhenAll([leader, .. joiners]);

        Assert.Equal(1, dev.Stats.RefreshRequests);
        Assert.All(results, r => Assert.Equal(TokenStatus.Refreshed, r.Status));
        Assert.Single(results.Select(r => r.AccessToken).Distinct());
    }

    [Fact]
    public async Task GetValidToken_arriving_after_the_flight_completed_reads_the_store_afresh_instead_of_taking_the_flights_result()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        var (leader, joiners) = await LeadAndJoinAsync(Ct);
        var flight = await Task.WhenAll([leader, .. joiners]);
        var readsBefore = reads.Selects;

        var late = await app.GetAsync("user-1", Ct);

        // Its own read: the stored refreshed token, valid now, no second refresh.
        Assert.Equal(1, reads.Selects - readsBefore);
        Assert.Equal(TokenStatus.Valid, late.Status);
        Assert.Equal(flight[0].AccessToken, late.AccessToken);
        Assert.Equal(1, dev.Stats.RefreshRequests);
    }

    /// <summary>
    /// Starts the leader, waits until its refresh reaches the token endpoint and is held there, then parks
    /// <see cref="Joiners"/> callers on its flight and, unless told otherwise, lets the refresh go on.
    /// </summary>
    private async Task<(Task<TokenResult> Leader, Task<TokenResult>[] Joiners)> LeadAndJoinAsync(CancellationToken cancellationToken, bool releaseHold = true)
    {
        var leader = app.GetAsync("user-1", cancellationToken);
        await held.Entered.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var joiners = new Task<TokenResult>[Joiners];
        for (var i = 0; i < joiners.Length; i++)
        {
            joiners[i] = app.GetAsync("user-1", cancellationToken);
        }

        Assert.All(joiners, joiner => Assert.False(joiner.IsCompleted));
        if (releaseHold)
        {
            held.Release();
        }

        return (leader, joiners);
    }

    /// <summary>Holds every provider call of the app until released, and says when the first one arrived.</summary>
    private sealed class HeldTokenRequests
    {
        private readonly TaskCompletionSource entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => entered.Task;

        public Task Hold()
        {
            entered.TrySetResult();
            return release.Task;
        }

        public void Release() => release.TrySetResult();
    }

    private sealed class HoldingHandler(HeldTokenRequests held) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await held.Hold().WaitAsync(cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}

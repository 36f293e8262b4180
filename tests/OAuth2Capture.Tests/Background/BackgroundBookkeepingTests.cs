using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http.ConnectFlow;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// What the sweep remembers lives on the row, not in an instance: the expiry notice already sent and the back-off survive
/// other instances sweeping at once and an instance restarted (a new host on the same database, at the same time).
/// </summary>
public sealed class BackgroundBookkeepingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(SharedDatabase.Engines), MemberType = typeof(SharedDatabase))]
    public async Task The_expiry_notice_is_sent_exactly_once_by_two_instances_sweeping_at_once_and_after_a_restart(OAuth2CaptureStoreProvider engine)
    {
        await using var db = await SharedDatabase.CreateAsync(engine, Ct);
        await using var fake = await FakeTokenEndpoint.StartAsync();
        var notifier = new RecordingNotifier();
        await using var a = await BackgroundHarness.StartAsync(db, fake: fake, notifier: notifier);
        var b = await BackgroundHarness.StartAsync(db, fake: fake, notifier: notifier, clock: a.Clock);
        var now = a.Clock.GetUtcNow();

        // LinkedIn-like grants: the refresh token ends on a fixed date, within the notice window; the access tokens are fresh.
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await a.SeedAsync(BackgroundHarness.FakeName, $"user-{i}", $"a{i}", "at", $"rt-{i}", now.AddHours(1), Ct, refreshExpiresAt: now.AddDays(3)));
        }

        await Task.WhenAll(a.Refresher.RunOnceAsync(Ct), b.Refresher.RunOnceAsync(Ct));
        await Task.WhenAll(a.Refresher.RunOnceAsync(Ct), b.Refresher.RunOnceAsync(Ct));
        AssertNoticesPerConnection(notifier, ids, 1);

        // b is redeployed: a new host on the same database knows what was announced.
        await b.DisposeAsync();
        await using var restarted = await BackgroundHarness.StartAsync(db, fake: fake, notifier: notifier, clock: a.Clock);
        await Task.WhenAll(a.Refresher.RunOnceAsync(Ct), restarted.Refresher.RunOnceAsync(Ct));
        AssertNoticesPerConnection(notifier, ids, 1);

        // A reconnect brings a new grant end: that one is announced again (once) when it nears.
        await ReconnectAsync(restarted, "user-0", "a0", refreshLifetime: TimeSpan.FromDays(2));
        await Task.WhenAll(a.Refresher.RunOnceAsync(Ct), restarted.Refresher.RunOnceAsync(Ct));
        await restarted.Refresher.RunOnceAsync(Ct);

        Assert.Equal(2, notifier.Received.Count(n => n.ConnectionId == ids[0]));
        AssertNoticesPerConnection(notifier, ids.Skip(1), 1);
        Assert.Equal(now.AddDays(2), notifier.Received.Last(n => n.ConnectionId == ids[0]).ExpiresAt!.Value, TimeSpan.FromMinutes(1));
        Assert.Equal(0, fake.Calls);
    }

    [Theory]
    [MemberData(nameof(SharedDatabase.Engines), MemberType = typeof(SharedDatabase))]
    public async Task A_connection_that_failed_transiently_is_still_cooling_down_on_a_freshly_started_instance(OAuth2CaptureStoreProvider engine)
    {
        await using var db = await SharedDatabase.CreateAsync(engine, Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var first = await BackgroundHarness.StartAsync(db, dev);
        var clock = first.Clock;
        var id = await first.ConnectDevAsync(dev, "user-1", "alice", Ct);
        clock.Advance(TimeSpan.FromMinutes(55));
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 100_000);
        Assert.True(await SweepCallsAsync(first, dev) > 0);
        await first.DisposeAsync();

        // A deploy: the new instance reads the failure from the row and waits out CoolDown (5 minutes).
        var second = await BackgroundHarness.StartAsync(db, dev, clock: clock);
        Assert.Equal(0, await SweepCallsAsync(second, dev));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(await SweepCallsAsync(second, dev) > 0);
        await second.DisposeAsync();

        // Another deploy: the second pause is 10 minutes, because the count of failures is on the row too.
        await using var third = await BackgroundHarness.StartAsync(db, dev, clock: clock);
        var row = (await third.ReadRowAsync(id))!;
        Assert.Equal(2, row.ConsecutiveFailures);
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(0, await SweepCallsAsync(third, dev));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await SweepCallsAsync(third, dev) > 0);

        // A success (here a user request once the provider is back) clears the back-off for every instance.
        dev.Faults.Reset();
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TokenStatus.Refreshed, (await third.GetAsync(id, Ct)).Status);
        row = (await third.ReadRowAsync(id))!;
        Assert.Equal(0, row.ConsecutiveFailures);
        Assert.Null(row.FailingSince);
        Assert.Null(row.LastErrorAt);
    }

    [Theory]
    [MemberData(nameof(SharedDatabase.Engines), MemberType = typeof(SharedDatabase))]
    public async Task A_connection_failing_for_longer_than_GiveUpAfter_is_left_alone_by_a_freshly_started_instance(OAuth2CaptureStoreProvider engine)
    {
        await using var db = await SharedDatabase.CreateAsync(engine, Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        static void Settings(OAuth2Capture.Background.OAuth2CaptureBackgroundRefreshOptions o)
        {
            o.GiveUpAfter = TimeSpan.FromMinutes(20);
            o.MaxCoolDown = TimeSpan.FromMinutes(5);
        }

        var first = await BackgroundHarness.StartAsync(db, dev, background: Settings);
        var clock = first.Clock;
        var id = await first.ConnectDevAsync(dev, "user-1", "alice", Ct);
        clock.Advance(TimeSpan.FromMinutes(55));
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 100_000);
        for (var i = 0; i < 5; i++)
        {
            await first.Refresher.RunOnceAsync(Ct); // failures at 0, 6, 12, 18 and 24 minutes: failing for 24 > 20
            clock.Advance(TimeSpan.FromMinutes(6));
        }

        var before = dev.Stats.TokenRequests;
        Assert.Equal(1, (await first.Refresher.RunOnceAsync(Ct)).Skipped); // the instance that saw it fail gives up
        await first.DisposeAsync();
        await using var fresh = await BackgroundHarness.StartAsync(db, dev, background: Settings, clock: clock,
            services: services => services.AddFakeLogging());
        var row = (await fresh.ReadRowAsync(id))!;
        Assert.True(row.LastErrorAt - row.FailingSince >= TimeSpan.FromMinutes(20), $"{row.FailingSince} .. {row.LastErrorAt}");
        var sweeps = new[] { await fresh.Refresher.RunOnceAsync(Ct), await fresh.Refresher.RunOnceAsync(Ct) };

        Assert.Equal(before, dev.Stats.TokenRequests);
        Assert.All(sweeps, sweep => Assert.Equal(1, sweep.Skipped));

        // Logged when the decision first applies in this process, not on every sweep.
        Assert.Single(fresh.Services.GetFakeLogCollector().GetSnapshot(), record => record.Id.Name == "BackgroundRefreshGaveUp");
    }

    private static async Task<long> SweepCallsAsync(BackgroundHarness app, DevProviderServer dev)
    {
        var before = dev.Stats.TokenRequests;
        await app.Refresher.RunOnceAsync(Ct);
        return dev.Stats.TokenRequests - before;
    }

    private static void AssertNoticesPerConnection(RecordingNotifier notifier, IEnumerable<Guid> ids, int expected)
    {
        foreach (var id in ids)
        {
            var sent = notifier.Received.Where(n => n.ConnectionId == id).ToList();
            Assert.Equal(expected, sent.Count);
            Assert.All(sent, n => Assert.Equal(ReauthNotificationKind.ExpiringWithoutRefresh, n.Kind));
        }
    }

    private static async Task ReconnectAsync(BackgroundHarness app, string owner, string account, TimeSpan refreshLifetime)
    {
        await using var scope = app.Services.CreateAsyncScope();
        Assert.True(scope.ServiceProvider.GetRequiredService<IOAuthProviderCatalog>().TryGet(BackgroundHarness.FakeName, out var provider));
        await scope.ServiceProvider.GetRequiredService<ConnectionWriter>().UpsertAsync(owner, provider,
            new ProviderProfile(account, account, "{}"), new CapturedTokens("new-at", "new-rt", "Bearer", TimeSpan.FromHours(1), refreshLifetime, "read"), Ct);
    }
}

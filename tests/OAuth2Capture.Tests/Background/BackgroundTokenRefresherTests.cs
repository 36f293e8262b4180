using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http.ConnectFlow;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Background;

/// <summary>The background refresher and notifications against the DevProvider (a real OAuth server) on SQLite files.</summary>
public sealed class BackgroundTokenRefresherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sweep_refreshes_due_connections_and_leaves_fresh_ones_alone()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var db = new SharedDatabase();
        await using var app = await BackgroundHarness.StartAsync(db, dev);
        var due = await app.ConnectDevAsync(dev, "user-1", "alice", Ct);
        app.Clock.Advance(TimeSpan.FromMinutes(55)); // alice's one-hour token is now inside the 10-minute window
        var fresh = await app.ConnectDevAsync(dev, "user-2", "bob", Ct);
        var before = dev.Stats.RefreshRequests;

        var result = await app.Refresher.RunOnceAsync(Ct);

        Assert.Equal(1, result.Refreshed);
        Assert.Equal(before + 1, dev.Stats.RefreshRequests);
        Assert.NotNull((await app.ReadRowAsync(due))!.LastRefreshedAt);
        Assert.Null((await app.ReadRowAsync(fresh))!.LastRefreshedAt);

        // Nothing is due any more: a second sweep calls nobody.
        await app.Refresher.RunOnceAsync(Ct);
        Assert.Equal(before + 1, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task Enabled_refresher_sweeps_on_its_own_timer()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var db = new SharedDatabase();
        await using var seeder = await BackgroundHarness.StartAsync(db, dev);
        var id = await seeder.ConnectDevAsync(dev, "user-1", "alice", Ct);
        await using var app = await BackgroundHarness.StartAsync(db, dev, background: o =>
            {
                o.Enabled = true;
                o.Interval = TimeSpan.FromMilliseconds(100);
                o.Window = TimeSpan.FromMinutes(61); // the fresh one-hour token is already due
            });

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await app.ReadRowAsync(id))!.LastRefreshedAt is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.NotNull((await app.ReadRowAsync(id))!.LastRefreshedAt);
    }

    [Theory]
    [MemberData(nameof(SharedDatabase.Engines), MemberType = typeof(SharedDatabase))]
    public async Task A_provider_answering_503_marks_nothing_ReauthRequired_and_the_sweep_cools_down_instead_of_hammering(OAuth2CaptureStoreProvider engine)
    {
        await using var db = await SharedDatabase.CreateAsync(engine, Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await BackgroundHarness.StartAsync(db, dev);
        Guid[] ids = [await app.ConnectDevAsync(dev, "user-1", "alice", Ct), await app.ConnectDevAsync(dev, "user-2", "bob", Ct)];
        app.Clock.Advance(TimeSpan.FromMinutes(55));
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 100_000);

        async Task<long> SweepCallsAsync()
        {
            var before = dev.Stats.TokenRequests;
            await app.Refresher.RunOnceAsync(Ct);
            return dev.Stats.TokenRequests - before;
        }

        var firstAttempt = await SweepCallsAsync();
        Assert.True(firstAttempt >= ids.Length, $"each connection tried once (with retries): {firstAttempt} calls");
        Assert.Equal(0, await SweepCallsAsync());          // right away: cooling down
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, await SweepCallsAsync());          // 4 of 5 minutes
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(firstAttempt, await SweepCallsAsync()); // after CoolDown: one more attempt each
        app.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(0, await SweepCallsAsync());          // the second pause is 10 minutes
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(firstAttempt, await SweepCallsAsync());

        foreach (var id in ids)
        {
            var row = await app.ReadRowAsync(id);
            Assert.Equal(ConnectionHealth.Active, row!.Status);
            Assert.NotNull(row.LastErrorAt);
            Assert.Equal(3, row.ConsecutiveFailures);
            Assert.NotNull(row.FailingSince);
        }
    }

    [Theory]
    [MemberData(nameof(SharedDatabase.Engines), MemberType = typeof(SharedDatabase))]
    public async Task Invalid_grant_notifies_ReauthRequired_exactly_once_per_connection_with_two_sweeps_and_a_user_request_racing(OAuth2CaptureStoreProvider engine)
    {
        await using var db = await SharedDatabase.CreateAsync(engine, Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var notifier = new RecordingNotifier();
        await using var a = await BackgroundHarness.StartAsync(db, dev, notifier: notifier);
        await using var b = await BackgroundHarness.StartAsync(db, dev, notifier: notifier);
        string[] users = ["alice", "bob", "carol"];
        var ids = new List<Guid>();
        foreach (var user in users)
        {
            ids.Add(await a.ConnectDevAsync(dev, "owner-" + user, user, Ct));
            await dev.Faults.RevokeGrantAsync(user, Ct);
        }

        a.Clock.Advance(TimeSpan.FromMinutes(57)); // inside both the window and the request skew
        b.Clock.Advance(TimeSpan.FromMinutes(57));

        var racing = new List<Task> { a.Refresher.RunOnceAsync(Ct), b.Refresher.RunOnceAsync(Ct) };
        racing.AddRange(ids.Select(id => (Task)b.GetAsync(id, Ct)));
        racing.AddRange(ids.Select(id => (Task)a.GetAsync(id, Ct)));
        await Task.WhenAll(racing);
        await Task.WhenAll(a.Refresher.RunOnceAsync(Ct), b.Refresher.RunOnceAsync(Ct));

        foreach (var id in ids)
        {
            Assert.Equal(ConnectionHealth.ReauthRequired, (await a.ReadRowAsync(id))!.Status);
            var sent = Assert.Single(notifier.Received, n => n.ConnectionId == id);
            Assert.Equal(ReauthNotificationKind.ReauthRequired, sent.Kind);
            Assert.Equal("/oauth2/dev/connect", sent.ReconnectPath);
            Assert.StartsWith("owner-", sent.OwnerId, StringComparison.Ordinal);
            Assert.NotEqual(ReauthReason.None, sent.Reason);
        }
    }

    [Fact]
    public async Task Reconnecting_a_ReauthRequired_connection_notifies_Recovered_once()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var db = new SharedDatabase();
        var notifier = new RecordingNotifier();
        await using var app = await BackgroundHarness.StartAsync(db, dev, notifier: notifier);
        var id = await app.ConnectDevAsync(dev, "user-1", "alice", Ct);
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(TokenStatus.ReauthRequired, (await app.GetAsync(id, Ct)).Status);

        async Task ReconnectAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            Assert.True(scope.ServiceProvider.GetRequiredService<IOAuthProviderCatalog>().TryGet(BackgroundHarness.DevName, out var provider));
            await scope.ServiceProvider.GetRequiredService<ConnectionWriter>().UpsertAsync("user-1", provider,
                new ProviderProfile("alice", "Alice", "{}"), new CapturedTokens("new-at", "new-rt", "Bearer", TimeSpan.FromHours(1), null, "read"), Ct);
        }

        await ReconnectAsync();
        await ReconnectAsync(); // already active: no second recovery

        Assert.Equal([ReauthNotificationKind.ReauthRequired, ReauthNotificationKind.Recovered], notifier.Received.Select(n => n.Kind));
        Assert.Equal(ConnectionHealth.Active, (await app.ReadRowAsync(id))!.Status);
    }

    [Fact]
    public async Task A_grant_that_cannot_be_renewed_is_announced_once_before_it_ends()
    {
        await using var fake = await FakeTokenEndpoint.StartAsync();
        await using var db = new SharedDatabase();
        var notifier = new RecordingNotifier();
        await using var app = await BackgroundHarness.StartAsync(db, fake: fake, notifier: notifier);
        var now = app.Clock.GetUtcNow();

        // LinkedIn-like: the refresh token ends on a fixed date, three days from now; and one fresh connection that does not end.
        var ending = await app.SeedAsync(BackgroundHarness.FakeName, "user-1", "a1", "at", "rt", now.AddHours(1), Ct, refreshExpiresAt: now.AddDays(3));
        await app.SeedAsync(BackgroundHarness.FakeName, "user-2", "a2", "at", "rt2", now.AddHours(1), Ct);

        await app.Refresher.RunOnceAsync(Ct);
        await app.Refresher.RunOnceAsync(Ct);

        var sent = Assert.Single(notifier.Received);
        Assert.Equal(ReauthNotificationKind.ExpiringWithoutRefresh, sent.Kind);
        Assert.Equal(ending, sent.ConnectionId);
        Assert.Equal(now.AddDays(3), sent.ExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(0, fake.Calls);
    }

    [Fact]
    public async Task A_sweep_does_not_wait_for_a_refresh_lease_held_by_another_instance_and_counts_it_claimed_elsewhere()
    {
        await using var fake = await FakeTokenEndpoint.StartAsync();
        await using var db = new SharedDatabase();
        await using var app = await BackgroundHarness.StartAsync(db, fake: fake);
        var now = app.Clock.GetUtcNow();
        var id = await app.SeedAsync(BackgroundHarness.FakeName, "user-1", "a1", "at", "rt", now.AddMinutes(5), Ct);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var row = (await store.FindByIdAsync(id, Ct))!;
            Assert.True(await store.TryClaimRefreshAsync(row, "other-instance", now, now.AddSeconds(30), Ct));
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await app.Refresher.RunOnceAsync(Ct);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal(1, result.Skipped);
        Assert.Equal(0, result.Refreshed);
        Assert.Equal(0, fake.Calls);

        // The same through the refresher itself: the row as read carried no lease, but the refresher's re-read finds one.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var row = (await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindByIdAsync(id, Ct))!;
            row.RefreshLeaseOwner = null;
            row.RefreshLeaseExpiresAt = null;
            var service = scope.ServiceProvider.GetRequiredService<TokenValidityService>();
            var skipped = await service.RefreshAheadAsync(row, new RefreshAhead(TimeSpan.FromMinutes(10), null), Ct);
            Assert.True(skipped.HeldElsewhere);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal(0, fake.Calls);
    }

    [Fact]
    public async Task A_throwing_notifier_never_breaks_the_refresh()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var db = new SharedDatabase();
        await using var app = await BackgroundHarness.StartAsync(db, dev, services: services =>
            services.AddScoped<IReauthNotifier, ThrowingNotifier>());
        var id = await app.ConnectDevAsync(dev, "user-1", "alice", Ct);
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        app.Clock.Advance(TimeSpan.FromHours(2));

        var result = await app.GetAsync(id, Ct);

        Assert.Equal(TokenStatus.ReauthRequired, result.Status);
        Assert.Equal(ConnectionHealth.ReauthRequired, (await app.ReadRowAsync(id))!.Status);
    }

    [Fact]
    public async Task Invalid_background_settings_fail_at_start_naming_the_key()
    {
        await using var db = new SharedDatabase();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BackgroundHarness.StartAsync(db, background: o =>
        {
            o.MaxConcurrency = 0;
            o.MaxCoolDown = TimeSpan.FromSeconds(1);
        }));

        Assert.Contains("OAuth2Capture:BackgroundRefresh:MaxConcurrency", error.Message, StringComparison.Ordinal);
        Assert.Contains("OAuth2Capture:BackgroundRefresh:MaxCoolDown", error.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingNotifier : IReauthNotifier
    {
        public Task NotifyAsync(ReauthNotificationContext context, CancellationToken cancellationToken)
            => throw new InvalidOperationException("SMTP is down");
    }
}

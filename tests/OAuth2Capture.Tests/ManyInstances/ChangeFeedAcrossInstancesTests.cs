using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OAuth2Capture.DevProvider;
using OAuth2Capture.PostgreSql;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.ManyInstances;

/// <summary>
/// The PostgreSQL change feed (<c>LISTEN/NOTIFY</c>) across three app instances on one database: a write on one instance
/// reaches the others' token caches at once (the app's clock never moves, so no entry expires), a refresher waiting on
/// another instance's lease is woken instead of polling, and a feed that loses its connection reconnects and drops every
/// cache entry, since what it missed is unknown.
/// </summary>
public sealed class ChangeFeedAcrossInstancesTests
{
    private static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refresh_on_one_instance_reaches_the_token_caches_of_the_two_others_at_once()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await StartAsync(dev, database);
        var (id, tokens) = await app[0].ConnectAsync("user-1", "alice", Ct);
        foreach (var other in new[] { app[1], app[2] })
        {
            Assert.Equal(tokens.AccessToken, (await other.GetAsync("user-1", Ct)).AccessToken); // cached there now
        }

        // The provider's API rejected the token on instance 0, which renews it.
        var renewed = await app[0].WithServiceAsync(service => service.ReportRejectedAccessTokenAsync(id, tokens.AccessToken!, Ct));
        Assert.Equal(TokenStatus.Refreshed, renewed.Status);
        Assert.NotEqual(tokens.AccessToken, renewed.AccessToken);

        foreach (var other in new[] { app[1], app[2] })
        {
            await UntilAsync(async () => (await other.GetAsync("user-1", Ct)).AccessToken == renewed.AccessToken,
                "another instance kept serving the replaced token from its cache");
        }

        Assert.Equal(1, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task A_revocation_stored_by_one_instance_reaches_the_other_instances_caches_at_once()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await StartAsync(dev, database);
        var (id, _) = await app[0].ConnectAsync("user-1", "alice", Ct);
        Assert.Equal(TokenStatus.Valid, (await app[1].GetAsync("user-1", Ct)).Status);
        Assert.Equal(TokenStatus.Valid, (await app[2].GetAsync("user-1", Ct)).Status);

        await MarkRevokedAsync(app[0], id);

        foreach (var other in new[] { app[1], app[2] })
        {
            await UntilAsync(async () => (await other.GetAsync("user-1", Ct)) is { Status: TokenStatus.ReauthRequired, Reason: ReauthReason.Revoked },
                "another instance kept serving a revoked connection's token from its cache");
        }
    }

    [Fact]
    public async Task A_refresher_waiting_on_another_instances_lease_is_woken_by_the_holders_write_instead_of_polling()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await StartAsync(dev, database, cache: TimeSpan.Zero);
        var (id, _) = await app[0].ConnectAsync("user-1", "alice", Ct);
        app[0].ExpireAccessTokens();

        // Another instance holds the lease (here: the test, through instance 0's store) for as long as it likes.
        OAuthToken held;
        await using (var scope = app[0].Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            held = (await store.FindByIdAsync(id, Ct))!;
            var now = app.Clock.GetUtcNow();
            Assert.True(await store.TryClaimRefreshAsync(held, "holder-elsewhere", now, now + TimeSpan.FromSeconds(30), Ct));
        }

        var waiting = app[1].GetAsync("user-1", Ct);
        await UntilAsync(() => Task.FromResult(WaitsOf(app[1]) >= 1), "instance 1 never waited on the lease");

        // Polling would read the row every 20 to 250 ms meanwhile (about eight times in 1.5 s); woken, it waits.
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        await using (var scope = app[0].Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            held.EncryptedAccessToken = app[0].Services.GetRequiredService<ITokenProtector>().Protect("at-stored-by-the-holder");
            held.AccessTokenExpiresAt = app.Clock.GetUtcNow().AddHours(1);
            RefreshLease.Clear(held);
            Assert.True(await store.TryUpdateAsync(held, Ct));
        }

        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal("at-stored-by-the-holder", result.AccessToken);
        Assert.InRange(WaitsOf(app[1]), 1, 3); // the first wait, and at most the one-second fallback polls
        Assert.Equal(0, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task A_change_feed_that_loses_its_connection_reconnects_and_drops_every_cache_entry()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await StartAsync(dev, database);
        var (id, _) = await app[0].ConnectAsync("user-1", "alice", Ct);
        Assert.Equal(TokenStatus.Valid, (await app[1].GetAsync("user-1", Ct)).Status);
        var signals = app[1].Services.GetRequiredService<ConnectionChangeSignals>();

        // Every feed's session ends (a failover, a proxy that dropped it); the revocation is written while nobody listens.
        await using (var admin = new NpgsqlConnection(database.ConnectionString))
        {
            await admin.OpenAsync(Ct);
            await using var terminate = new NpgsqlCommand(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'LISTEN {PostgreSqlChangeListener.Channel}' AND datname = current_database()", admin);
            Assert.Equal(3L, (long)(await terminate.ExecuteScalarAsync(Ct))!);
        }

        await UntilAsync(() => Task.FromResult(!signals.IsLive), "instance 1's feed did not notice its lost connection");
        await MarkRevokedAsync(app[0], id);
        await UntilAsync(() => Task.FromResult(signals.IsLive), "instance 1's feed did not reconnect");

        Assert.Contains(app[1].Logs.GetSnapshot(), record => record.Id.Name == "StoreChangeFeedLost");
        var after = await app[1].GetAsync("user-1", Ct);
        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.Revoked), (after.Status, after.Reason));
    }

    private static async Task<AppInstances> StartAsync(DevProviderServer dev, PostgreSqlTestDatabase database, TimeSpan? cache = null)
    {
        var app = await AppInstances.StartAsync(dev, 3, OAuth2CaptureStoreProvider.PostgreSql, database.ConnectionString,
            (_, options) => options.TokenCacheDuration = cache ?? CacheDuration);
        for (var index = 0; index < app.Count; index++)
        {
            var signals = app[index].Services.GetRequiredService<ConnectionChangeSignals>();
            await UntilAsync(() => Task.FromResult(signals.IsLive), $"instance {index}'s change feed never listened");
        }

        return app;
    }

    private static async Task MarkRevokedAsync(CaptureHarness instance, Guid id)
    {
        await using var scope = instance.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var row = (await store.FindByIdAsync(id, Ct))!;
        row.Status = ConnectionHealth.ReauthRequired;
        row.ReauthReason = ReauthReason.Revoked;
        Assert.True(await store.TryUpdateAsync(row, Ct));
    }

    private static int WaitsOf(CaptureHarness instance)
        => instance.Logs.GetSnapshot().Count(record => record.Id.Name == "WaitingForRefreshLease");

    /// <summary>Real time, bounded; the app's clock stays where it is, so no cache entry expires meanwhile.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure} (10 s)");
            await Task.Delay(25, Ct);
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.ManyInstances;

/// <summary>
/// One refresh across instances: app instances (each its own host and single-flight coordinator) sharing one database and
/// one DevProvider with refresh-token rotation on, so a second refresh with the old token would fail with invalid_grant.
/// </summary>
public sealed class ManyInstancesRefreshTests
{
    private const int Requests = 300;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetValidToken_storm_of_300_requests_over_three_instances_on_PostgreSql_calls_the_token_endpoint_once()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(maxPoolSize: 15, cancellationToken: Ct);
        await StormAsync(OAuth2CaptureStoreProvider.PostgreSql, database.ConnectionString, instanceCount: 3);
    }

    [Fact]
    public async Task GetValidToken_storm_of_300_requests_over_three_instances_on_a_shared_SQLite_file_calls_the_token_endpoint_once()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oauth2capture-instances-{Guid.NewGuid():N}.db");
        try
        {
            // Several processes on one SQLite file: WAL lets readers run beside the one writer (docs/many-instances.md).
            await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
            {
                await connection.OpenAsync(Ct);
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=WAL";
                await command.ExecuteNonQueryAsync(Ct);
            }

            await StormAsync(OAuth2CaptureStoreProvider.Sqlite, $"Data Source={path}", instanceCount: 3);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Fact]
    public async Task Lease_claimed_by_a_crashed_instance_expires_and_another_instance_completes_the_refresh()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await AppInstances.StartAsync(dev, 2, OAuth2CaptureStoreProvider.PostgreSql, database.ConnectionString, (_, options) => ShortLease(options));
        var (id, _) = await app[0].ConnectAsync("user-1", "alice", Ct);
        app.Clock.Advance(TimeSpan.FromHours(2));

        // Instance 0 claims the row and dies before calling the provider: nobody ever releases the lease.
        await using (var scope = app[0].Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var row = (await store.FindByIdAsync(id, Ct))!;
            var now = app.Clock.GetUtcNow();
            Assert.True(await store.TryClaimRefreshAsync(row, "crashed-instance", now, now + TimeSpan.FromSeconds(3), Ct));
        }

        await app.StopAsync(0);
        var watch = Stopwatch.StartNew();
        var result = await app[1].GetAsync("user-1", Ct);
        watch.Stop();

        Assert.Equal(TokenStatus.Refreshed, result.Status);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
        Assert.Equal(1, dev.Stats.RefreshRequests);
        var stored = (await app[1].ReadRowAsync(id))!;
        Assert.Null(stored.RefreshLeaseOwner);
        Assert.Null(stored.RefreshLeaseExpiresAt);
        Assert.Equal(result.AccessToken, app[1].Unprotect(stored.EncryptedAccessToken));
        Assert.Contains(app[1].Logs.GetSnapshot(), record => record.Id.Name == "RefreshLeaseTakenOver" && record.Message.Contains("crashed-instance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Instance_stopped_mid_refresh_abandons_its_lease_and_another_instance_completes_the_refresh_at_once()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await AppInstances.StartAsync(dev, 2, OAuth2CaptureStoreProvider.PostgreSql, database.ConnectionString, (index, options) =>
        {
            // Instance 0's provider call would outlast the test; instance 1 must not just wait for a lease to expire.
            options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(25);
            options.Resilience.TotalTimeout = TimeSpan.FromSeconds(25);
            options.RefreshLeaseDuration = TimeSpan.FromSeconds(30);
        });
        var (id, _) = await app[0].ConnectAsync("user-1", "alice", Ct);
        app.Clock.Advance(TimeSpan.FromHours(2));
        dev.Faults.FailNextTokenRequests(DevTokenFault.Hang);

        var hung = app[0].GetAsync("user-1", CancellationToken.None);
        await WaitUntilAsync(async () => (await app[1].ReadRowAsync(id))?.RefreshLeaseOwner is not null && dev.Stats.RefreshRequests == 1);
        await app.StopAsync(0);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hung);

        var abandoned = (await app[1].ReadRowAsync(id))!;
        Assert.NotNull(abandoned.RefreshLeaseOwner);
        Assert.True(abandoned.RefreshLeaseExpiresAt <= app.Clock.GetUtcNow());
        var watch = Stopwatch.StartNew();
        var result = await app[1].GetAsync("user-1", Ct);

        // The hung request never reached OpenIddict, so the old refresh token still works and no re-auth is needed.
        Assert.Equal(TokenStatus.Refreshed, result.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        var stored = (await app[1].ReadRowAsync(id))!;
        Assert.Null(stored.RefreshLeaseOwner);
        Assert.Equal(ConnectionHealth.Active, stored.Status);
    }

    [Fact]
    public async Task Invalid_grant_after_an_abandoned_lease_is_reported_as_RotatedRefreshTokenLost()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await CaptureHarness.StartAsync(dev);
        var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();

        // A crashed instance claimed the row and its refresh reached the provider, which rotated the refresh token;
        // then the instance died before storing the answer, leaving its lease marked as abandoned.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var row = (await store.FindByIdAsync(id, Ct))!;
            var now = app.Clock.GetUtcNow();
            Assert.True(await store.TryClaimRefreshAsync(row, "crashed-instance", now, now.AddSeconds(30), Ct));
            using var rotated = await DevProviderFlow.RefreshAsync(dev, tokens.RefreshToken!, Ct);
            Assert.True(rotated.IsSuccessStatusCode);
            Assert.True(await store.ReleaseRefreshAsync(id, "crashed-instance", now, Ct));
        }

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.ReauthRequired, result.Status);
        Assert.Equal(ReauthReason.RotatedRefreshTokenLost, result.Reason);
        Assert.Contains("crashed-instance", result.ErrorDescription, StringComparison.Ordinal);
        var stored = (await app.ReadRowAsync(id))!;
        Assert.Equal(ReauthReason.RotatedRefreshTokenLost, stored.ReauthReason);
        Assert.Null(stored.RefreshLeaseOwner);
    }

    [Fact]
    public async Task Waiting_instance_serves_the_token_the_lease_holder_stored_without_calling_the_provider()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await CaptureHarness.StartAsync(dev);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var protector = scope.ServiceProvider.GetRequiredService<ITokenProtector>();
        var row = (await store.FindByIdAsync(id, Ct))!;
        var now = app.Clock.GetUtcNow();
        Assert.True(await store.TryClaimRefreshAsync(row, "other-instance", now, now.AddSeconds(30), Ct));

        var waiting = app.GetAsync("user-1", Ct);
        await Task.Delay(200, Ct);
        Assert.False(waiting.IsCompleted);

        // The holder stores its result and ends the lease in the same write.
        row.EncryptedAccessToken = protector.Protect("stored-by-the-holder");
        row.AccessTokenExpiresAt = now.AddHours(1);
        row.RefreshLeaseOwner = null;
        row.RefreshLeaseExpiresAt = null;
        Assert.True(await store.TryUpdateAsync(row, Ct));
        var result = await waiting;

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal("stored-by-the-holder", result.AccessToken);
        Assert.Equal(0, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task Waiting_instance_returns_the_reauth_verdict_the_lease_holder_stored()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await CaptureHarness.StartAsync(dev);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var row = (await store.FindByIdAsync(id, Ct))!;
        var now = app.Clock.GetUtcNow();
        Assert.True(await store.TryClaimRefreshAsync(row, "other-instance", now, now.AddSeconds(30), Ct));

        var waiting = app.GetAsync("user-1", Ct);
        await Task.Delay(100, Ct);
        row.Status = ConnectionHealth.ReauthRequired;
        row.ReauthReason = ReauthReason.Revoked;
        row.LastError = "revoked at the provider";
        row.RefreshLeaseOwner = null;
        row.RefreshLeaseExpiresAt = null;
        Assert.True(await store.TryUpdateAsync(row, Ct));
        var result = await waiting;

        Assert.Equal(TokenStatus.ReauthRequired, result.Status);
        Assert.Equal(ReauthReason.Revoked, result.Reason);
        Assert.Equal(0, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task Waiting_past_the_lease_duration_on_an_expired_token_returns_TemporarilyUnavailable_refresh_in_progress()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await CaptureHarness.StartAsync(dev, ShortLease);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();

        // A holder whose clock runs an hour ahead: its lease outlives any wait.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var row = (await store.FindByIdAsync(id, Ct))!;
            var now = app.Clock.GetUtcNow();
            Assert.True(await store.TryClaimRefreshAsync(row, "skewed-instance", now, now.AddHours(1), Ct));
        }

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.TemporarilyUnavailable, result.Status);
        Assert.Equal("refresh_in_progress", result.Error);
        Assert.NotNull(result.RetryAfter);
        Assert.Equal(0, dev.Stats.RefreshRequests);
        Assert.Contains(app.Logs.GetSnapshot(), record => record.Id.Name == "RefreshLeaseWaitTimedOut");
    }

    private static async Task StormAsync(OAuth2CaptureStoreProvider provider, string connectionString, int instanceCount)
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await AppInstances.StartAsync(dev, instanceCount, provider, connectionString, (_, options) =>
        {
            // On a loaded machine a 2 s attempt can time out after the provider rotated the token; that case is covered by
            // Invalid_grant_after_an_abandoned_lease_is_reported_as_RotatedRefreshTokenLost, not by the storm.
            options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(15);
            options.Resilience.TotalTimeout = TimeSpan.FromSeconds(15);
        });
        var (id, tokens) = await app[0].ConnectAsync("user-1", "alice", Ct);
        app.Clock.Advance(TimeSpan.FromHours(2));
        using var start = new ManualResetEventSlim();

        var callers = Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            start.Wait(Ct);
            return await app[i % instanceCount].GetAsync("user-1", Ct);
        })).ToArray();
        var watch = Stopwatch.StartNew();
        start.Set();
        var results = await Task.WhenAll(callers);
        watch.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{provider}: {Requests} requests over {instanceCount} instances -> {dev.Stats.RefreshRequests} token-endpoint refresh call(s) in {watch.ElapsedMilliseconds} ms");
        for (var i = 0; i < instanceCount; i++)
        {
            foreach (var record in app[i].Logs.GetSnapshot().Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information && ((r.Category ?? "").StartsWith("OAuth2Capture", StringComparison.Ordinal) || (r.Category ?? "").StartsWith("Polly", StringComparison.Ordinal) || (r.Category ?? "").StartsWith("System.Net.Http", StringComparison.Ordinal))))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"instance {i}: {record.Level} {record.Category} {record.Id.Name}: {record.Message}");
            }
        }

        Assert.Equal(1, dev.Stats.RefreshRequests);
        Assert.DoesNotContain(results, r => r.Status == TokenStatus.ReauthRequired);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        var served = Assert.Single(results.Select(r => r.AccessToken).Distinct());
        Assert.NotEqual(tokens.AccessToken, served);

        // Every instance decrypts what the winner stored (shared key ring), and the lease is gone.
        for (var i = 0; i < instanceCount; i++)
        {
            var row = (await app[i].ReadRowAsync(id))!;
            Assert.Equal(served, app[i].Unprotect(row.EncryptedAccessToken));
            Assert.Null(row.RefreshLeaseOwner);
        }

        // The rotated refresh token was stored: the next expiry refreshes once more, with no invalid_grant.
        app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(TokenStatus.Refreshed, (await app[instanceCount - 1].GetAsync("user-1", Ct)).Status);
        Assert.Equal(2, dev.Stats.RefreshRequests);
    }

    private static void ShortLease(OAuth2CaptureOptions options)
    {
        options.RefreshLeaseDuration = TimeSpan.FromSeconds(3);
        options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(2);
        options.Resilience.TotalTimeout = TimeSpan.FromSeconds(2.5);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(25, Ct);
        }
    }
}

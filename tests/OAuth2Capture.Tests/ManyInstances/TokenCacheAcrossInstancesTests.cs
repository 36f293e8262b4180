using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.ManyInstances;

/// <summary>
/// The token cache's trade-off with several instances, pinned down: a write on one instance is seen at once there, and on
/// the others when their entry expires (at most <see cref="OAuth2CaptureOptions.TokenCacheDuration"/>), never later.
/// </summary>
public sealed class TokenCacheAcrossInstancesTests
{
    private static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_revocation_stored_by_one_instance_reaches_another_instances_cache_within_TokenCacheDuration()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await AppInstances.StartAsync(dev, 2, OAuth2CaptureStoreProvider.PostgreSql, database.ConnectionString,
            (_, options) => options.TokenCacheDuration = CacheDuration);
        var (id, tokens) = await app[0].ConnectAsync("user-1", "alice", Ct);
        Assert.Equal(TokenStatus.Valid, (await app[1].GetAsync("user-1", Ct)).Status); // instance 1 caches the token

        await using (var scope = app[0].Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var row = (await store.FindByIdAsync(id, Ct))!;
            row.Status = ConnectionHealth.ReauthRequired;
            row.ReauthReason = ReauthReason.Revoked;
            Assert.True(await store.TryUpdateAsync(row, Ct));
        }

        var writer = await app[0].GetAsync("user-1", Ct);
        var otherBeforeExpiry = await app[1].GetAsync("user-1", Ct);
        app.Clock.Advance(CacheDuration);
        var otherAfterExpiry = await app[1].GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.ReauthRequired, writer.Status);
        Assert.Equal((TokenStatus.Valid, tokens.AccessToken), (otherBeforeExpiry.Status, otherBeforeExpiry.AccessToken));
        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.Revoked), (otherAfterExpiry.Status, otherAfterExpiry.Reason));
    }
}

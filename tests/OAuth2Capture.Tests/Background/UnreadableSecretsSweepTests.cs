using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Testing;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// Two app instances on one database whose Data Protection key rings are not shared (each a real directory): the one
/// without the keys reports the connection once and leaves the row to the one that has them.
/// </summary>
public sealed class UnreadableSecretsSweepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(SharedDatabase.Engines), MemberType = typeof(SharedDatabase))]
    public async Task Instance_without_the_key_ring_reports_the_connection_once_over_sweeps_and_leaves_the_row_to_the_instance_with_it(OAuth2CaptureStoreProvider engine)
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var db = await SharedDatabase.CreateAsync(engine, Ct);
        var otherKeys = Directory.CreateTempSubdirectory("oauth2capture-other-keys-");
        try
        {
            await using var withKeys = await BackgroundHarness.StartAsync(db, dev);
            await using var withoutKeys = await BackgroundHarness.StartAsync(db, dev, clock: withKeys.Clock, services: services =>
            {
                services.AddDataProtection().PersistKeysToFileSystem(otherKeys); // its own key ring, not the shared one
                services.AddFakeLogging();
                services.AddHealthChecks().AddOAuth2Capture();
            });
            var id = await withKeys.ConnectDevAsync(dev, "user-1", "alice", Ct);
            var stored = (await withKeys.ReadRowAsync(id))!;
            withKeys.Clock.Advance(TimeSpan.FromMinutes(55)); // inside the sweep's window

            var first = await withoutKeys.Refresher.RunOnceAsync(Ct);
            var second = await withoutKeys.Refresher.RunOnceAsync(Ct);

            Assert.Equal(1, first.Failed);
            Assert.Equal(1, second.Failed);
            Assert.Equal(0, dev.Stats.RefreshRequests);
            var logs = withoutKeys.Services.GetFakeLogCollector().GetSnapshot();
            Assert.Single(logs, record => record.Id.Id == 2101);
            Assert.DoesNotContain(logs, record => record.Id.Id == 5004);
            var health = (await withoutKeys.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries["oauth2capture"];
            Assert.Equal(HealthStatus.Degraded, health.Status);
            Assert.Equal(1, health.Data["unreadable_tokens"]);
            var untouched = (await withKeys.ReadRowAsync(id))!;
            Assert.Equal(ConnectionHealth.Active, untouched.Status);
            Assert.Equal(stored.EncryptedAccessToken, untouched.EncryptedAccessToken);
            Assert.Null(untouched.LastError);

            // The instance that holds the keys still renews it.
            Assert.Equal(1, (await withKeys.Refresher.RunOnceAsync(Ct)).Refreshed);
            await using var scope = withKeys.Services.CreateAsyncScope();
            Assert.True((await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(id, Ct)).Succeeded);
        }
        finally
        {
            otherKeys.Delete(recursive: true);
        }
    }
}

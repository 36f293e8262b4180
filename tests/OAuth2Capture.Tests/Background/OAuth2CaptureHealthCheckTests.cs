using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Moq;
using OAuth2Capture.Diagnostics;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Background;

/// <summary>The health check over a real SQLite store, and over a store that fails.</summary>
public sealed class OAuth2CaptureHealthCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_health_check_reports_the_reauth_share_per_provider_and_degrades_above_the_threshold()
    {
        await using var fake = await FakeTokenEndpoint.StartAsync();
        await using var db = new SharedDatabase();
        await using var app = await BackgroundHarness.StartAsync(db, fake: fake, services: services => services.AddHealthChecks()
            .AddOAuth2Capture(degradedShare: 0.5, name: "lenient")
            .AddOAuth2Capture(degradedShare: 0.2, name: "strict"));
        var now = app.Clock.GetUtcNow();
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await app.SeedAsync(BackgroundHarness.FakeName, $"user-{i}", $"a{i}", "at", "rt", now.AddHours(1), Ct));
        }

        var dead = (await app.ReadRowAsync(ids[0]))!;
        dead.Status = ConnectionHealth.ReauthRequired;
        dead.ReauthReason = ReauthReason.Revoked;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<ITokenStore>().TryUpdateAsync(dead, Ct));
        }

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        Assert.Equal(HealthStatus.Healthy, report.Entries["lenient"].Status);
        Assert.Equal(0.25, report.Entries["lenient"].Data[BackgroundHarness.FakeName]);
        Assert.Equal(4, report.Entries["lenient"].Data["fake.connections"]);
        Assert.Equal(HealthStatus.Degraded, report.Entries["strict"].Status);
        Assert.Contains("fake (1 of 4)", report.Entries["strict"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_check_degrades_while_a_provider_rejects_the_apps_credentials_and_recovers_with_the_next_refresh()
    {
        await using var dev = await OAuth2Capture.DevProvider.DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await Tests.Infrastructure.CaptureHarness.StartAsync(dev, services: services => services.AddHealthChecks().AddOAuth2Capture());
        await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.RejectClientSecret = true; // a secret rotated at the provider before the app got the new one
        app.ExpireAccessTokens();

        Assert.Equal(TokenStatus.ConfigurationError, (await app.GetAsync("user-1", Ct)).Status);
        var rejected = (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries["oauth2capture"];

        dev.Faults.RejectClientSecret = false;
        Assert.Equal(TokenStatus.Refreshed, (await app.GetAsync("user-1", Ct)).Status);
        var recovered = (await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries["oauth2capture"];

        Assert.Equal(HealthStatus.Degraded, rejected.Status);
        Assert.Equal("invalid_client", rejected.Data["dev.configuration_rejected"]);
        Assert.Contains("dev rejects this app's own configuration (invalid_client)", rejected.Description, StringComparison.Ordinal);
        Assert.Contains("OAuth2Capture:Providers:dev", rejected.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.False(recovered.Data.ContainsKey("dev.configuration_rejected"));
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_when_the_store_fails()
    {
        var store = new Mock<ITokenStore>();
        store.Setup(s => s.CountByProviderAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("database is down"));
        await using var services = new ServiceCollection().AddScoped(_ => store.Object).BuildServiceProvider();
        var check = new OAuth2CaptureHealthCheck(services.GetRequiredService<IServiceScopeFactory>(), 0.2);
        var registration = new HealthCheckRegistration("oauth2capture", check, HealthStatus.Unhealthy, null);

        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = registration }, Ct);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.IsType<InvalidOperationException>(result.Exception);
    }
}

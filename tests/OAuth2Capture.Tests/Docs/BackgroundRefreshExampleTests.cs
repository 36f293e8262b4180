using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Background;
using OAuth2Capture.Examples;
using OAuth2Capture.Reauth;

namespace OAuth2Capture.Tests.Docs;

/// <summary>Runs docs/background-refresh.md's "Enable" snippet (<see cref="BackgroundRefreshExample"/>) in an app and checks what it turned on.</summary>
public sealed class BackgroundRefreshExampleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BackgroundRefreshEnable_turns_on_the_sweep_the_youtube_keep_alive_the_notifier_and_the_health_check()
    {
        var database = Path.Combine(Path.GetTempPath(), $"oauth2capture-bg-example-{Guid.NewGuid():N}.db");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OAuth2Capture:Store:ConnectionString"] = $"Data Source={database};Pooling=False",
            ["OAuth2Capture:Providers:youtube:ClientId"] = "youtube-client-id",
            ["OAuth2Capture:Providers:youtube:ClientSecret"] = "youtube-client-secret",
        });
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();

        builder.AddBackgroundRefreshExample();

        try
        {
            // The notifier is registered, scoped, as the snippet says; it is not built here (no sweep finds a connection to report).
            var notifier = Assert.Single(builder.Services, d => d.ServiceType == typeof(IReauthNotifier));
            Assert.Equal(typeof(EmailReauthNotifier), notifier.ImplementationType);
            Assert.Equal(ServiceLifetime.Scoped, notifier.Lifetime);

            await using var app = builder.Build();
            await app.StartAsync(Ct);

            var options = app.Services.GetRequiredService<IOptions<OAuth2CaptureOptions>>().Value.BackgroundRefresh;
            Assert.True(options.Enabled);
            Assert.Equal(TimeSpan.FromDays(150), options.KeepAliveAfterByProvider["youtube"]);
            var refresher = app.Services.GetRequiredService<BackgroundTokenRefresher>();
            Assert.Contains(app.Services.GetServices<IHostedService>(), service => ReferenceEquals(service, refresher));
            var sweep = await refresher.RunOnceAsync(Ct);
            Assert.Equal(0, sweep.Failed);

            var health = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
            Assert.Equal(HealthStatus.Healthy, health.Entries[OAuth2CaptureHealthChecksBuilderExtensions.DefaultName].Status);

            await app.StopAsync(Ct);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(database + suffix);
            }
        }
    }
}

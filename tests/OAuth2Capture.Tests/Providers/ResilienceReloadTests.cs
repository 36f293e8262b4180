using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Providers;

/// <summary>
/// The provider calls' resilience settings are read again when the options change (a configuration reload), without a
/// restart: the pipeline an already-built <see cref="HttpClient"/> handler holds is rebuilt in place.
/// </summary>
public sealed class ResilienceReloadTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;
    private CaptureHarness app = null!;
    private IConfigurationRoot configuration = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OAuth2Capture:Resilience:MaxRetryAttempts"] = "2" })
            .Build();
        app = await CaptureHarness.StartAsync(dev, services: services =>
        {
            // What binding a reloadable configuration section does: re-read on reload, and tell the monitor.
            services.AddSingleton<IOptionsChangeTokenSource<OAuth2CaptureOptions>>(new ConfigurationChangeTokenSource<OAuth2CaptureOptions>(configuration));
            services.PostConfigure<OAuth2CaptureOptions>(options =>
                options.Resilience.MaxRetryAttempts = configuration.GetValue<int>("OAuth2Capture:Resilience:MaxRetryAttempts"));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Fact]
    public async Task A_changed_retry_count_applies_to_the_next_refresh_without_a_restart()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 1000);
        app.ExpireAccessTokens();

        Assert.Equal(TokenStatus.TemporarilyUnavailable, (await app.GetAsync("user-1", Ct)).Status);
        Assert.Equal(3, dev.Stats.RefreshRequests); // one try and two retries

        configuration["OAuth2Capture:Resilience:MaxRetryAttempts"] = "0";
        configuration.Reload();

        Assert.Equal(TokenStatus.TemporarilyUnavailable, (await app.GetAsync("user-1", Ct)).Status);
        Assert.Equal(4, dev.Stats.RefreshRequests); // one try, no retry
    }
}

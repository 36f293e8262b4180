using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers;
using OAuth2Capture.Benchmarks.Infrastructure;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// An app host with OAuth2Capture configured as an app would: <c>AddOAuth2Capture</c>, the generic provider
/// <see cref="Provider"/> defined by endpoints only (the <see cref="SweepTokenEndpoint"/>), the store on the
/// <see cref="BenchDatabase"/> (migrations applied at start-up), Data Protection keys in the shared folder, and the library's
/// resilience defaults. With <c>background</c> settings it also calls <c>AddBackgroundRefresh</c>, whose first sweep runs at
/// start-up; without them it is the seeding host.
/// </summary>
internal sealed class SweepAppHost : IAsyncDisposable
{
    public const string Provider = "sweep";

    /// <summary>The refresher's interval: long enough that the start-up sweep is the only one of a run.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    private readonly IHost host;

    private SweepAppHost(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    /// <param name="database">The store and key folder.</param>
    /// <param name="endpoint">The token endpoint the provider names.</param>
    /// <param name="concurrency">The refresher's <c>MaxConcurrency</c> and <c>MaxConcurrencyPerProvider</c>; <see langword="null"/>: background refresh off.</param>
    /// <param name="logging">A provider given the library's Information logs (the sweep's completion, event 5002), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the start-up.</param>
    public static async Task<SweepAppHost> StartAsync(
        BenchDatabase database, SweepTokenEndpoint endpoint, int? concurrency, ILoggerProvider? logging, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            // The library's own Information logs only: EF Core's per-command and HttpClient's per-request logs would cost time.
            builder.Logging.AddProvider(logging);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddFilter("OAuth2Capture", LogLevel.Information);
        }

        database.ShareKeys(builder.Services, "oauth2capture-bench-sweep");
        var capture = builder.Services.AddOAuth2Capture(options =>
        {
            database.UseAsStore(options);
            options.Providers[Provider] = new OAuthProviderOptions
            {
                ClientId = SweepTokenEndpoint.ClientId,
                ClientSecret = SweepTokenEndpoint.ClientSecret,
                DisplayName = "Sweep provider",
                AuthorizationEndpoint = endpoint.AuthorizationEndpoint.ToString(),
                TokenEndpoint = endpoint.TokenEndpoint.ToString(),
                Scopes = ["read"],
            };
        });
        if (concurrency is { } slots)
        {
            capture.AddBackgroundRefresh(o =>
            {
                o.Interval = Interval;
                o.MaxConcurrency = slots;
                o.MaxConcurrencyPerProvider = slots;
            });
        }

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new SweepAppHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}

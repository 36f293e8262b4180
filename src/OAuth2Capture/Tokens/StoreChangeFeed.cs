using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Runs the configured engine's change feed (<see cref="OAuth2CaptureStoreEngine.ListenForChangesAsync"/>) into
/// <see cref="ConnectionChangeSignals"/>, when the library owns the store; an app-owned context's writes are not heard.
/// </summary>
/// <param name="services">The root provider.</param>
/// <param name="options">The library's settings.</param>
/// <param name="engines">The store engines the app references.</param>
/// <param name="signals">Where the changes go.</param>
internal sealed class StoreChangeFeed(
    IServiceProvider services,
    IOptions<OAuth2CaptureOptions> options,
    IEnumerable<OAuth2CaptureStoreEngine> engines,
    ConnectionChangeSignals signals) : BackgroundService
{
    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using (var scope = services.CreateScope())
        {
            if (scope.ServiceProvider.GetService<ITokenStore>() is not EfCoreTokenStore<OAuth2CaptureDbContext>)
            {
                return Task.CompletedTask;
            }
        }

        var store = options.Value.Store;
        return StoreEngines.Find(engines, store.Provider) is { } engine
            ? engine.ListenForChangesAsync(store.ConnectionString, signals.Changed, signals.FeedIs, stoppingToken)
            : Task.CompletedTask;
    }
}

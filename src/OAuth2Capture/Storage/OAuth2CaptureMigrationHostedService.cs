using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OAuth2Capture.Storage;

/// <summary>
/// Applies the library's pending migrations at start-up when <c>OAuth2Capture:Store:ApplyMigrations</c> is set
/// and the library owns the store (an app that maps the entity into its own context owns its migrations), through the
/// configured <see cref="OAuth2CaptureStoreEngine"/> (which adds what its engine needs around them).
/// </summary>
/// <param name="services">The root provider, to open a scope.</param>
/// <param name="options">The library's settings.</param>
/// <param name="engines">The store engines the app references.</param>
/// <param name="logger">The logger.</param>
internal sealed partial class OAuth2CaptureMigrationHostedService(
    IServiceScopeFactory services,
    IOptions<OAuth2CaptureOptions> options,
    IEnumerable<OAuth2CaptureStoreEngine> engines,
    ILogger<OAuth2CaptureMigrationHostedService> logger) : IHostedService
{

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Store.ApplyMigrations)
        {
            await CheckSchemaAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var scope = services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (!LibraryOwnedStore.IsInUse(scope.ServiceProvider))
            {
                return;
            }

            var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            if (StoreEngines.Find(engines, options.Value.Store.Provider) is not { } engine || !engine.Runs(context))
            {
                // The app configured the library's context on another engine itself: running this engine's migrations
                // there would create a wrong schema.
                Log.MigrationsNotShipped(logger, context.Database.ProviderName);
                return;
            }

            await engine.MigrateAsync(context, token => MigrateAsync(context, token), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// With migrations left to the app, a missing schema fails start-up with the way out, instead of a 500 "no such table"
    /// on the first request. An unreachable database does not: requests answer <c>store_unavailable</c> until it is back.
    /// </summary>
    private async Task CheckSchemaAsync(CancellationToken cancellationToken)
    {
        var scope = services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (scope.ServiceProvider.GetService<ITokenStore>() is not IStoreSchemaProbe probe)
            {
                return;
            }

            try
            {
                await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (StoreFailure.IsUnavailable(exception, cancellationToken))
            {
                Log.SchemaNotChecked(logger, exception.GetBaseException().Message);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new InvalidOperationException(
                    $"{OAuth2CaptureDefaults.ConfigurationSection}:Store:ApplyMigrations is false, and the OAuth2Capture store's table cannot be read " +
                    $"({exception.GetBaseException().Message}). Create the schema before the app starts (apply the library's migrations, " +
                    $"for example with the SQL script described in docs/configuration.md, or your own context's migrations when it maps the entity), " +
                    $"or set {OAuth2CaptureDefaults.ConfigurationSection}:Store:ApplyMigrations to true to let the library apply them.", exception);
            }
        }
    }

    private async Task MigrateAsync(DbContext context, CancellationToken cancellationToken)
    {
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).Count();
        if (pending == 0)
        {
            return;
        }

        await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        Log.MigrationsApplied(logger, pending);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, EventName = "StoreMigrationsApplied", Level = LogLevel.Information,
            Message = "Applied {Count} pending OAuth2Capture store migration(s).")]
        public static partial void MigrationsApplied(ILogger logger, int count);

        [LoggerMessage(EventId = 4002, EventName = "StoreMigrationsNotShipped", Level = LogLevel.Warning,
            Message = "OAuth2Capture ships no migrations for the database provider {ProviderName} yet; create the store's schema yourself or set OAuth2Capture:Store:ApplyMigrations to false.")]
        public static partial void MigrationsNotShipped(ILogger logger, string? providerName);

        [LoggerMessage(EventId = 4004, EventName = "StoreSchemaNotChecked", Level = LogLevel.Warning,
            Message = "OAuth2Capture:Store:ApplyMigrations is false and the store could not be reached at start-up to check its schema ({Reason}); requests answer store_unavailable until it is back.")]
        public static partial void SchemaNotChecked(ILogger logger, string reason);
    }
}

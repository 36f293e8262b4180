using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OAuth2Capture.Storage;

/// <summary>
/// Applies the library's pending migrations at start-up when <c>OAuth2Capture:Store:ApplyMigrations</c> is set
/// and the library owns the store (an app that maps the entity into its own context owns its migrations); on SQLite it also
/// switches the file to write-ahead logging.
/// </summary>
/// <param name="services">The root provider, to open a scope.</param>
/// <param name="options">The library's settings.</param>
/// <param name="logger">The logger.</param>
internal sealed partial class OAuth2CaptureMigrationHostedService(
    IServiceScopeFactory services,
    IOptions<OAuth2CaptureOptions> options,
    ILogger<OAuth2CaptureMigrationHostedService> logger) : IHostedService
{
    /// <summary>The PostgreSQL advisory lock key that serializes the library's migrations ("OA2CMIGR").</summary>
    private const long PostgreSqlMigrationLockKey = 0x4F41_3243_4D49_4752;

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
            if (scope.ServiceProvider.GetService<ITokenStore>() is not EfCoreTokenStore<OAuth2CaptureDbContext>)
            {
                return;
            }

            var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            if (!context.Database.IsSqlite() && context is not OAuth2CapturePostgreSqlDbContext)
            {
                // Migrations ship for SQLite (this type) and PostgreSQL (the derived type); running SQLite's on another
                // engine would create a wrong schema.
                Log.MigrationsNotShipped(logger, context.Database.ProviderName);
                return;
            }

            // Idempotent: applies only what the history table lacks.
            if (context is OAuth2CapturePostgreSqlDbContext)
            {
                await MigrateUnderAdvisoryLockAsync(context, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await MigrateAsync(context, cancellationToken).ConfigureAwait(false);
                await UseWriteAheadLogAsync(context, cancellationToken).ConfigureAwait(false);
            }
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

    /// <summary>
    /// Puts the library's SQLite file in write-ahead-log mode, once at start-up (the mode is stored in the file): readers
    /// (the sweep's pages, user requests) then never block the one writer, nor it them, also across processes sharing the file.
    /// An in-memory database has no file and keeps its journal.
    /// </summary>
    private async Task UseWriteAheadLogAsync(DbContext context, CancellationToken cancellationToken)
    {
        if (!SqliteDatabaseFile.TryGetPath(context.Database.GetConnectionString(), out _))
        {
            return;
        }

        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "PRAGMA journal_mode=WAL;";
                var mode = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    Log.WriteAheadLogRefused(logger, mode);
                }
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
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

    /// <summary>
    /// Several instances starting together on one PostgreSQL database: EF Core's own lock there is per migration transaction,
    /// so an instance that read the history before another applied two migrations re-applied the second one ("column already
    /// exists"). A session-level advisory lock held across reading the history and migrating serializes instances.
    /// </summary>
    private async Task MigrateUnderAdvisoryLockAsync(DbContext context, CancellationToken cancellationToken)
    {
        await EnsurePostgreSqlDatabaseAsync(context, cancellationToken).ConfigureAwait(false);
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock({0})", [PostgreSqlMigrationLockKey], cancellationToken).ConfigureAwait(false);
            try
            {
                await MigrateAsync(context, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock({0})", [PostgreSqlMigrationLockKey], CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// EF Core's own <c>Migrate</c> creates a missing database first; the advisory lock needs a connection before that, so
    /// the database is created here, the same way (through the admin database), when the connection's role may.
    /// </summary>
    private async Task EnsurePostgreSqlDatabaseAsync(DbContext context, CancellationToken cancellationToken)
    {
        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var settings = new NpgsqlConnectionStringBuilder(context.Database.GetConnectionString());
        try
        {
            await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
            Log.DatabaseCreated(logger, settings.Database);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance starting at the same moment created it first.
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database '{settings.Database}' named by {OAuth2CaptureDefaults.ConfigurationSection}:Store:ConnectionString does not exist, and it could not be created " +
                $"as role '{settings.Username}' ({ex.SqlState}: {ex.MessageText}). Create it (CREATE DATABASE \"{settings.Database}\"), let the role create databases (CREATEDB), " +
                $"or point {OAuth2CaptureDefaults.ConfigurationSection}:Store:ConnectionString at an existing database.", ex);
        }
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

        [LoggerMessage(EventId = 4003, EventName = "StoreWriteAheadLogRefused", Level = LogLevel.Warning,
            Message = "The OAuth2Capture SQLite store stays in journal mode {JournalMode} instead of WAL (another process holds the file, or the file system cannot share memory); readers may block writers.")]
        public static partial void WriteAheadLogRefused(ILogger logger, string? journalMode);

        [LoggerMessage(EventId = 4004, EventName = "StoreSchemaNotChecked", Level = LogLevel.Warning,
            Message = "OAuth2Capture:Store:ApplyMigrations is false and the store could not be reached at start-up to check its schema ({Reason}); requests answer store_unavailable until it is back.")]
        public static partial void SchemaNotChecked(ILogger logger, string reason);

        [LoggerMessage(EventId = 4010, EventName = "StoreDatabaseCreated", Level = LogLevel.Information,
            Message = "Created the missing PostgreSQL database {Database} for the OAuth2Capture store.")]
        public static partial void DatabaseCreated(ILogger logger, string? database);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using OAuth2Capture.Storage;

namespace OAuth2Capture.PostgreSql;

/// <summary>
/// PostgreSQL, for several app instances sharing one database: Npgsql, the migrations in <c>Migrations/</c>, and a
/// start-up that creates a missing database and lets one instance migrate at a time. Found by the main package by name
/// when the app references this one.
/// </summary>
/// <param name="logger">The logger.</param>
internal sealed partial class PostgreSqlStoreEngine(ILogger<PostgreSqlStoreEngine> logger) : OAuth2CaptureStoreEngine
{
    /// <summary>The PostgreSQL advisory lock key that serializes the library's migrations ("OA2CMIGR").</summary>
    private const long MigrationLockKey = 0x4F41_3243_4D49_4752;

    /// <inheritdoc/>
    public override OAuth2CaptureStoreProvider Provider => OAuth2CaptureStoreProvider.PostgreSql;

    /// <inheritdoc/>
    public override string? CheckConnectionString(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    /// <inheritdoc/>
    public override void UseDatabase(DbContextOptionsBuilder builder, string connectionString) => UseNpgsql(builder, connectionString);

    /// <summary>Npgsql with this assembly's migrations: the context type is the main package's, the migrations are here.</summary>
    /// <param name="builder">The options builder of the library's context.</param>
    /// <param name="connectionString">The connection string.</param>
    internal static void UseNpgsql(DbContextOptionsBuilder builder, string connectionString)
        => builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(PostgreSqlStoreEngine).Assembly.GetName().Name));

    /// <inheritdoc/>
    public override bool Runs(DbContext context) => context.Database.IsNpgsql();

    /// <summary>
    /// Several instances starting together on one database: EF Core's own lock there is per migration transaction, so an
    /// instance that read the history before another applied two migrations re-applied the second one ("column already
    /// exists"). A session-level advisory lock held across reading the history and migrating serializes instances.
    /// </summary>
    /// <inheritdoc/>
    public override async Task MigrateAsync(DbContext context, Func<CancellationToken, Task> applyPendingMigrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(applyPendingMigrations);

        await EnsureDatabaseAsync(context, cancellationToken).ConfigureAwait(false);
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock({0})", [MigrationLockKey], cancellationToken).ConfigureAwait(false);
            try
            {
                await applyPendingMigrations(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock({0})", [MigrationLockKey], CancellationToken.None).ConfigureAwait(false);
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
    private async Task EnsureDatabaseAsync(DbContext context, CancellationToken cancellationToken)
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
            const string Key = OAuth2CaptureDefaults.ConfigurationSection + ":Store:ConnectionString";
            throw new InvalidOperationException(
                $"The PostgreSQL database '{settings.Database}' named by {Key} does not exist, and it could not be created " +
                $"as role '{settings.Username}' ({ex.SqlState}: {ex.MessageText}). Create it (CREATE DATABASE \"{settings.Database}\"), let the role create databases (CREATEDB), " +
                $"or point {Key} at an existing database.", ex);
        }
    }

    /// <summary>PostgreSQL <c>LISTEN</c> on the channel the store's trigger notifies (see <see cref="PostgreSqlChangeListener"/>).</summary>
    /// <inheritdoc/>
    public override Task ListenForChangesAsync(string connectionString, Action<Guid?> changed, Action<bool> live, CancellationToken stoppingToken)
        => PostgreSqlChangeListener.ListenAsync(connectionString, changed, live, logger, stoppingToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4010, EventName = "StoreDatabaseCreated", Level = LogLevel.Information,
            Message = "Created the missing PostgreSQL database {Database} for the OAuth2Capture store.")]
        public static partial void DatabaseCreated(ILogger logger, string? database);
    }
}

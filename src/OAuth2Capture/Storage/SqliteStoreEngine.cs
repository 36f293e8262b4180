using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace OAuth2Capture.Storage;

/// <summary>SQLite, the embedded default: the migrations in <c>Storage/Migrations/Sqlite</c> and a file in write-ahead-log mode.</summary>
/// <param name="logger">The logger.</param>
internal sealed partial class SqliteStoreEngine(ILogger<SqliteStoreEngine> logger) : OAuth2CaptureStoreEngine
{
    /// <inheritdoc/>
    public override OAuth2CaptureStoreProvider Provider => OAuth2CaptureStoreProvider.Sqlite;

    /// <inheritdoc/>
    public override string? CheckConnectionString(string connectionString)
    {
        try
        {
            _ = new SqliteConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    /// <inheritdoc/>
    public override void UseDatabase(DbContextOptionsBuilder builder, string connectionString) => builder.UseSqlite(connectionString);

    /// <inheritdoc/>
    public override bool Runs(DbContext context) => context.Database.IsSqlite();

    /// <inheritdoc/>
    public override async Task MigrateAsync(DbContext context, Func<CancellationToken, Task> applyPendingMigrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applyPendingMigrations);
        await applyPendingMigrations(cancellationToken).ConfigureAwait(false);
        await UseWriteAheadLogAsync(context, cancellationToken).ConfigureAwait(false);
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 4003, EventName = "StoreWriteAheadLogRefused", Level = LogLevel.Warning,
            Message = "The OAuth2Capture SQLite store stays in journal mode {JournalMode} instead of WAL (another process holds the file, or the file system cannot share memory); readers may block writers.")]
        public static partial void WriteAheadLogRefused(ILogger logger, string? journalMode);
    }
}

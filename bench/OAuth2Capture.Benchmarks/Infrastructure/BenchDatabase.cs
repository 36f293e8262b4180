using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OAuth2Capture.Benchmarks.Infrastructure;

/// <summary>
/// What several app hosts of one run share (the sweep's seeding and measuring hosts, the storm's instances): one database
/// (a SQLite file in the temp folder, or a throw-away PostgreSQL database <c>oauth2capture_bench_{guid}</c>) and one Data
/// Protection key folder. Removed on dispose.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    /// <summary>The variable naming a PostgreSQL server database whose role may create databases, as for the tests.</summary>
    public const string PostgreSqlVariable = "OAUTH2CAPTURE_TEST_POSTGRES";

    private readonly string? sqlitePath;
    private readonly string? serverConnectionString;
    private readonly string? postgreSqlName;

    private BenchDatabase(BenchStore store, string connectionString, string? sqlitePath, string? serverConnectionString, string? postgreSqlName)
    {
        Store = store;
        ConnectionString = connectionString;
        this.sqlitePath = sqlitePath;
        this.serverConnectionString = serverConnectionString;
        this.postgreSqlName = postgreSqlName;
    }

    public BenchStore Store { get; }

    /// <summary>Gets the connection string the library's store uses.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the Data Protection key folder every host uses, so each decrypts what another wrote.</summary>
    public string KeysPath { get; } = Path.Combine(Path.GetTempPath(), $"oauth2capture-bench-keys-{Guid.NewGuid():N}");

    /// <summary>Gets the PostgreSQL server connection string, or <see langword="null"/> when <see cref="PostgreSqlVariable"/> is not set.</summary>
    public static string? PostgreSqlServer
        => Environment.GetEnvironmentVariable(PostgreSqlVariable) is { Length: > 0 } server ? server : null;

    /// <summary>Points the library's store at this database.</summary>
    public void UseAsStore(OAuth2CaptureOptions options)
    {
        options.Store.Provider = Store == BenchStore.PostgreSql ? OAuth2CaptureStoreProvider.PostgreSql : OAuth2CaptureStoreProvider.Sqlite;
        options.Store.ConnectionString = ConnectionString;
    }

    /// <summary>Keeps the host's Data Protection keys in the shared folder, so every host decrypts what another wrote.</summary>
    public void ShareKeys(IServiceCollection services, string applicationName)
        => services.AddDataProtection().SetApplicationName(applicationName).PersistKeysToFileSystem(new DirectoryInfo(KeysPath));

    public static async Task<BenchDatabase> CreateAsync(BenchStore store, CancellationToken cancellationToken)
    {
        if (store == BenchStore.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), $"oauth2capture-bench-shared-{Guid.NewGuid():N}.db");
            return new BenchDatabase(store, $"Data Source={path}", path, null, null);
        }

        var server = PostgreSqlServer ?? throw new InvalidOperationException($"{PostgreSqlVariable} is not set.");
        var name = $"oauth2capture_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // The server is shared (100 connections in all): the refresher needs its concurrency plus the sweep's reader.
        var database = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 40 };
        return new BenchDatabase(store, database.ConnectionString, null, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
            {
                File.Delete(sqlitePath + suffix);
            }
        }
        else
        {
            await DropPostgreSqlDatabaseAsync();
        }

        if (Directory.Exists(KeysPath))
        {
            Directory.Delete(KeysPath, recursive: true);
        }
    }

    private async Task DropPostgreSqlDatabaseAsync()
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{postgreSqlName}\" WITH (FORCE)";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 10)
            {
                // FORCE may not terminate another role's backend (an autovacuum worker): it finishes soon, so try again.
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
            }
        }
    }
}

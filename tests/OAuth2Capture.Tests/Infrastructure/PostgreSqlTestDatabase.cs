using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using OAuth2Capture.PostgreSql;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// A uniquely named database on the PostgreSQL server named by <c>OAUTH2CAPTURE_TEST_POSTGRES</c>, created for one test and
/// dropped after it. Without that variable the test is skipped, except in CI (<c>CI=true</c>), where it fails: CI must
/// never pass by skipping the many-instance tests.
/// </summary>
internal sealed class PostgreSqlTestDatabase : IAsyncDisposable
{
    public const string ConnectionStringVariable = "OAUTH2CAPTURE_TEST_POSTGRES";

    private static readonly string? ServerConnectionString = Environment.GetEnvironmentVariable(ConnectionStringVariable);

    private PostgreSqlTestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Gets the connection string of this test's database.</summary>
    public string ConnectionString { get; }

    /// <summary>Skips the calling test when no server is configured, or fails it when running in CI.</summary>
    public static string RequireServer()
    {
        if (string.IsNullOrWhiteSpace(ServerConnectionString))
        {
            var reason = $"PostgreSQL tests need {ConnectionStringVariable}, for example " +
                $"'Host=127.0.0.1;Port=5432;Username=oauth2capture;Password=oauth2capture;Database=postgres' (a role allowed to create databases).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"CI=true but {ConnectionStringVariable} is not set: .ci/run must start PostgreSQL. {reason}");
            }

            Assert.SkipUnless(false, reason);
        }

        return ServerConnectionString!;
    }

    /// <summary>Creates an empty database (skipping or failing the test when no server is configured).</summary>
    /// <param name="maxPoolSize">The pool bound of each client of this database (the server allows 100 connections in all).</param>
    public static async Task<PostgreSqlTestDatabase> CreateAsync(int maxPoolSize = 20, CancellationToken cancellationToken = default)
    {
        var server = RequireServer();
        var name = $"oauth2capture_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = maxPoolSize };
        return new PostgreSqlTestDatabase(name, builder.ConnectionString);
    }

    /// <summary>Names a fresh database that does not exist yet (dropped on dispose if something created it).</summary>
    public static PostgreSqlTestDatabase Reserve(int maxPoolSize = 20)
    {
        var server = RequireServer();
        var name = $"oauth2capture_test_{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = maxPoolSize };
        return new PostgreSqlTestDatabase(name, builder.ConnectionString);
    }

    /// <summary>Whether the database exists on the server.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pg_database WHERE datname = @name";
        command.Parameters.AddWithValue("name", Name);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>Creates a database with the library's PostgreSQL migrations applied.</summary>
    public static async Task<PostgreSqlTestDatabase> CreateMigratedAsync(CancellationToken cancellationToken = default)
    {
        var database = await CreateAsync(cancellationToken: cancellationToken);
        await using var context = database.CreateContext();
        await context.Database.MigrateAsync(cancellationToken);
        return database;
    }

    /// <summary>The library's context on this database, with the PostgreSQL package's migrations.</summary>
    public OAuth2CaptureDbContext CreateContext(params IInterceptor[] interceptors)
    {
        var builder = new DbContextOptionsBuilder<OAuth2CaptureDbContext>();
        PostgreSqlStoreEngine.UseNpgsql(builder, ConnectionString);
        return new(builder.AddInterceptors(interceptors).Options);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 10)
            {
                // FORCE may not terminate a backend of another role (an autovacuum worker, without pg_signal_backend):
                // it finishes soon, so try again rather than failing a test over its clean-up.
                await Task.Delay(200);
            }
        }
    }
}

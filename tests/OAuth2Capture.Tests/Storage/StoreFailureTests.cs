using Microsoft.Data.Sqlite;
using Npgsql;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Storage;

/// <summary>What <c>StoreFailure.IsUnavailable</c> calls an outage, on exceptions the real drivers throw.</summary>
public sealed class StoreFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_file_locked_by_another_writer_beyond_the_busy_timeout_is_unavailable_and_a_unique_violation_is_not()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oauth2capture-locked-{Guid.NewGuid():N}.db");
        try
        {
            await using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
            await holder.OpenAsync(Ct);
            await Execute(holder, "CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1); BEGIN EXCLUSIVE; INSERT INTO t VALUES (2);");
            await using var other = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=1");
            await other.OpenAsync(Ct);

            var busy = await Assert.ThrowsAsync<SqliteException>(() => Execute(other, "SELECT COUNT(*) FROM t"));
            var duplicate = await Assert.ThrowsAsync<SqliteException>(() => Execute(holder, "INSERT INTO t VALUES (1)"));

            Assert.True(StoreFailure.IsUnavailable(busy, Ct), busy.Message);
            Assert.False(StoreFailure.IsUnavailable(duplicate, Ct), duplicate.Message);
            Assert.False(StoreFailure.IsUnavailable(busy, new CancellationToken(canceled: true)));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PostgreSql_refusing_connections_is_unavailable_and_a_unique_violation_is_not()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        var server = new NpgsqlConnectionStringBuilder(PostgreSqlTestDatabase.RequireServer());
        await using var proxy = TcpOutageProxy.Start(server.Host!, server.Port);
        proxy.Stop();
        var refusedAt = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2, Pooling = false };
        await using var refused = new NpgsqlConnection(refusedAt.ConnectionString);
        var unreachable = await Assert.ThrowsAnyAsync<NpgsqlException>(() => refused.OpenAsync(Ct));

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using (var create = new NpgsqlCommand("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);", connection))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        await using var insert = new NpgsqlCommand("INSERT INTO t VALUES (1)", connection);
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync(Ct));

        Assert.True(StoreFailure.IsUnavailable(unreachable, Ct), unreachable.Message);
        Assert.True(StoreFailure.IsUnavailable(new InvalidOperationException("EF Core's transient-failure wrapper", unreachable), Ct));
        Assert.False(StoreFailure.IsUnavailable(duplicate, Ct), duplicate.Message);
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}

using Microsoft.Data.Sqlite;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

public sealed class SqliteMigrationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"oauth2capture-{Guid.NewGuid():N}.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private OAuth2CaptureDbContext CreateContext()
        => new(new DbContextOptionsBuilder<OAuth2CaptureDbContext>().UseSqlite($"Data Source={_path}").Options);

    [Fact]
    public async Task MigrateAsync_on_a_fresh_file_then_again_applies_every_migration_once()
    {
        await using (var context = CreateContext())
        {
            await context.Database.MigrateAsync(Ct);
        }

        await using (var context = CreateContext())
        {
            await context.Database.MigrateAsync(Ct);

            var applied = await context.Database.GetAppliedMigrationsAsync(Ct);
            Assert.Equal(context.Database.GetMigrations(), applied);
            Assert.NotEmpty(applied);
            Assert.Empty(await context.Database.GetPendingMigrationsAsync(Ct));
        }

        await using (var context = CreateContext())
        {
            var store = new EfCoreTokenStore<OAuth2CaptureDbContext>(context);
            await store.CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "gh-1"), Ct);
            Assert.Single(await store.ListByOwnerAsync("alice", Ct));
        }
    }

    [Fact]
    public async Task Migrated_schema_matches_the_model()
    {
        await using var context = CreateContext();
        await context.Database.MigrateAsync(Ct);

        Assert.False(context.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task Migrated_schema_has_the_unique_provider_account_index_and_integer_dates()
    {
        await using (var context = CreateContext())
        {
            await context.Database.MigrateAsync(Ct);
        }

        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'IX_oauth2capture_tokens_Provider_ProviderUserId'";
        Assert.StartsWith("CREATE UNIQUE INDEX", (string?)await command.ExecuteScalarAsync(Ct));
        command.CommandText = "SELECT type FROM pragma_table_info('oauth2capture_tokens') WHERE name = 'UpdatedAt'";
        Assert.Equal("INTEGER", (string?)await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public void Migrations_are_those_of_the_library_context_only()
    {
        using var context = CreateContext();
        var migrations = context.Database.GetMigrations().ToList();

        Assert.Contains(migrations, id => id.EndsWith("_InitialCreate", StringComparison.Ordinal));
        Assert.All(
            typeof(OAuth2CaptureDbContext).Assembly.GetTypes().Where(type => type.IsSubclassOf(typeof(Migration))),
            type => Assert.Equal(
                type.GetCustomAttribute<DbContextAttribute>()!.ContextType == typeof(OAuth2CaptureDbContext)
                    ? "OAuth2Capture.Storage.Migrations.Sqlite"
                    : "OAuth2Capture.Storage.Migrations.PostgreSql",
                type.Namespace));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Storage;

/// <summary>The PostgreSQL migrations and the default store on a real server (see <see cref="PostgreSqlTestDatabase"/>).</summary>
public sealed class PostgreSqlMigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateAsync_on_a_fresh_database_then_again_applies_every_migration_once()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using (var context = database.CreateContext())
        {
            await context.Database.MigrateAsync(Ct);
        }

        await using (var context = database.CreateContext())
        {
            await context.Database.MigrateAsync(Ct);

            var applied = await context.Database.GetAppliedMigrationsAsync(Ct);
            Assert.Equal(context.Database.GetMigrations(), applied);
            Assert.NotEmpty(applied);
            Assert.Empty(await context.Database.GetPendingMigrationsAsync(Ct));
            Assert.False(context.Database.HasPendingModelChanges());
        }

        await using (var context = database.CreateContext())
        {
            var store = new EfCoreTokenStore<OAuth2CaptureDbContext>(context);
            await store.CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "gh-1"), Ct);
            Assert.Single(await store.ListByOwnerAsync("alice", Ct));
        }
    }

    [Fact]
    public async Task Migrated_schema_has_the_unique_provider_account_index_and_timestamptz_dates()
    {
        await using var database = await PostgreSqlTestDatabase.CreateMigratedAsync(Ct);

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT indexdef FROM pg_indexes WHERE indexname = 'IX_oauth2capture_tokens_Provider_ProviderUserId'";
        Assert.StartsWith("CREATE UNIQUE INDEX", (string?)await command.ExecuteScalarAsync(Ct));
        command.CommandText = "SELECT data_type FROM information_schema.columns WHERE table_name = 'oauth2capture_tokens' AND column_name = 'UpdatedAt'";
        Assert.Equal("timestamp with time zone", (string?)await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Default_store_on_PostgreSql_at_startup_migrates_the_database_and_three_instances_starting_together_are_harmless()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        var instances = Enumerable.Range(0, 3).Select(_ =>
        {
            var services = new ServiceCollection();
            services.AddFakeLogging();
            services.Configure<OAuth2CaptureOptions>(options =>
            {
                options.Store.Provider = OAuth2CaptureStoreProvider.PostgreSql;
                options.Store.ConnectionString = database.ConnectionString;
            });
            services.AddOAuth2CaptureDefaultStore();
            return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        }).ToList();
        try
        {
            await Task.WhenAll(instances.Select(async instance =>
            {
                foreach (var service in instance.GetServices<IHostedService>())
                {
                    await service.StartAsync(Ct);
                }
            }));

            Assert.Contains(instances, instance => instance.GetFakeLogCollector().GetSnapshot().Any(record => record.Id.Id == 4001));
            await using var scope = instances[2].CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            Assert.True(context.Database.IsNpgsql());
            Assert.Equal(context.Database.GetMigrations(), await context.Database.GetAppliedMigrationsAsync(Ct));
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            await store.CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "gh-1"), Ct);
            Assert.Single(await store.ListByOwnerAsync("alice", Ct));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }
}

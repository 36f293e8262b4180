using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

public sealed class StorageRegistrationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"oauth2capture-{Guid.NewGuid():N}.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private ServiceProvider BuildDefaultStore(Action<OAuth2CaptureOptions>? configure = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.Configure<OAuth2CaptureOptions>(options =>
        {
            options.Store.ConnectionString = $"Data Source={_path}";
            configure?.Invoke(options);
        });
        services.AddOAuth2CaptureDefaultStore();
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    private static async Task StartHostedServicesAsync(IServiceProvider provider)
    {
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(Ct);
        }
    }

    [Fact]
    public void AddOAuth2CaptureDefaultStore_called_twice_registers_everything_once()
    {
        var services = new ServiceCollection();
        services.AddOAuth2CaptureDefaultStore();
        services.AddOAuth2CaptureDefaultStore();

        Assert.Single(services, d => d.ServiceType == typeof(ITokenStore));
        Assert.Single(services, d => d.ServiceType == typeof(ITokenProtector));
        Assert.Single(services, d => d.ServiceType == typeof(OAuth2CaptureDbContext));
        Assert.Single(services, d => d.ImplementationType == typeof(OAuth2CaptureMigrationHostedService));
        Assert.Equal(ServiceLifetime.Scoped, services.Single(d => d.ServiceType == typeof(ITokenStore)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(ITokenProtector)).Lifetime);
    }

    [Fact]
    public async Task Default_store_leases_its_context_from_a_pool_and_a_scope_gets_it_back_with_nothing_tracked()
    {
        await using var provider = BuildDefaultStore();
        await StartHostedServicesAsync(provider);

        OAuth2CaptureDbContext first;
        await using (var scope = provider.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            first.Tokens.Add(SqliteTestDatabase.NewToken("alice", "github", "gh-1"));
            Assert.NotEmpty(first.ChangeTracker.Entries());
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            var second = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            Assert.Same(first, second);
            Assert.Empty(second.ChangeTracker.Entries());
            Assert.Empty(await second.Tokens.ToListAsync(Ct));
        }
    }

    [Fact]
    public async Task Default_store_at_startup_migrates_the_file_and_a_second_startup_on_the_same_file_is_harmless()
    {
        await using (var first = BuildDefaultStore())
        {
            await StartHostedServicesAsync(first);
            await using var scope = first.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            Assert.IsType<EfCoreTokenStore<OAuth2CaptureDbContext>>(store);
            Assert.IsType<DataProtectionTokenProtector>(scope.ServiceProvider.GetRequiredService<ITokenProtector>());
            await store.CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "gh-1"), Ct);
        }

        await using (var second = BuildDefaultStore())
        {
            await StartHostedServicesAsync(second);
            await StartHostedServicesAsync(second);
            await using var scope = second.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            Assert.Empty(await context.Database.GetPendingMigrationsAsync(Ct));
            Assert.Single(await scope.ServiceProvider.GetRequiredService<ITokenStore>().ListByOwnerAsync("alice", Ct));
            var log = second.GetFakeLogCollector().GetSnapshot();
            Assert.DoesNotContain(log, record => record.Id.Id == 4001);
        }
    }

    [Fact]
    public async Task Default_store_at_startup_puts_the_SQLite_file_in_WAL_mode()
    {
        await using (var provider = BuildDefaultStore())
        {
            await StartHostedServicesAsync(provider);
            Assert.DoesNotContain(provider.GetFakeLogCollector().GetSnapshot(), record => record.Id.Id == 4003);
        }

        // The mode is stored in the file: any later connection, of any process, finds it.
        Assert.Equal("wal", await JournalModeAsync($"Data Source={_path}"));
    }

    [Fact]
    public async Task Default_store_on_an_in_memory_SQLite_database_keeps_its_journal_mode()
    {
        const string connectionString = "Data Source=oauth2capture-wal-test;Mode=Memory;Cache=Shared";
        await using var keepAlive = new SqliteConnection(connectionString);
        await keepAlive.OpenAsync(Ct);
        await using var provider = BuildDefaultStore(options => options.Store.ConnectionString = connectionString);

        await StartHostedServicesAsync(provider);

        Assert.Equal("memory", await JournalModeAsync(connectionString));
        Assert.DoesNotContain(provider.GetFakeLogCollector().GetSnapshot(), record => record.Id.Id == 4003);
    }

    private static async Task<string?> JournalModeAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string?)await command.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public async Task Default_store_with_ApplyMigrations_off_and_no_schema_fails_start_up_naming_the_key_instead_of_a_500_later()
    {
        await using var provider = BuildDefaultStore(options => options.Store.ApplyMigrations = false);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartHostedServicesAsync(provider));

        Assert.StartsWith("OAuth2Capture:Store:ApplyMigrations is false, and the OAuth2Capture store's table cannot be read (SQLite Error 1: 'no such table: oauth2capture_tokens'.)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("set OAuth2Capture:Store:ApplyMigrations to true", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_store_with_ApplyMigrations_off_starts_on_a_schema_made_earlier_and_changes_nothing()
    {
        await using (var first = BuildDefaultStore())
        {
            await StartHostedServicesAsync(first);
        }

        await using var provider = BuildDefaultStore(options => options.Store.ApplyMigrations = false);

        await StartHostedServicesAsync(provider);

        Assert.DoesNotContain(provider.GetFakeLogCollector().GetSnapshot(), record => record.Id.Id is 4001 or 4004);
    }

    [Fact]
    public async Task Default_store_logs_its_sql_at_debug_not_information_so_it_does_not_fill_an_apps_console()
    {
        await using var provider = BuildDefaultStore(more: services => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace)));
        await StartHostedServicesAsync(provider);
        provider.GetFakeLogCollector().Clear();

        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ITokenStore>().ListByOwnerAsync("user-1", Ct);
        }

        var executed = provider.GetFakeLogCollector().GetSnapshot().Where(record => record.Id.Name == "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted").ToList();
        Assert.NotEmpty(executed);
        Assert.All(executed, record => Assert.Equal(LogLevel.Debug, record.Level));
    }

    [Fact]
    public async Task Default_store_on_PostgreSql_resolves_the_PostgreSql_context_that_owns_the_PostgreSql_migrations()
    {
        await using var provider = BuildDefaultStore(options =>
        {
            options.Store.Provider = OAuth2CaptureStoreProvider.PostgreSql;
            options.Store.ConnectionString = "Host=postgres.invalid;Database=app";
            options.Store.ApplyMigrations = false;
        });

        await StartHostedServicesAsync(provider);

        await using var scope = provider.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
        Assert.IsType<OAuth2CaptureDbContext>(context);
        Assert.True(context.Database.IsNpgsql());
        // The PostgreSQL package's migrations (their ids differ from SQLite's), not the main package's.
        Assert.Contains("20261124000931_InitialCreate", context.Database.GetMigrations());
        Assert.DoesNotContain("20261123235503_InitialCreate", context.Database.GetMigrations());
        Assert.IsType<EfCoreTokenStore<OAuth2CaptureDbContext>>(scope.ServiceProvider.GetRequiredService<ITokenStore>());
        Assert.DoesNotContain(provider.GetFakeLogCollector().GetSnapshot(), record => record.Id.Id == 4002);
    }

    [Fact]
    public async Task Default_store_on_Sqlite_resolves_the_library_context_itself()
    {
        await using var provider = BuildDefaultStore(options => options.Store.ApplyMigrations = false);

        await using var scope = provider.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();

        Assert.Equal(typeof(OAuth2CaptureDbContext), context.GetType());
        Assert.True(context.Database.IsSqlite());
    }

    [Fact]
    public async Task UseDbContext_switches_the_store_to_the_app_context_and_the_library_applies_no_migrations()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(Ct);
        await using var _ = connection;
        await using var provider = BuildDefaultStore(more: services =>
        {
            services.AddDbContext<AppOwnedDbContext>(options => options.UseSqlite(connection));
            new OAuth2CaptureBuilder(services).UseDbContext<AppOwnedDbContext>().UseDbContext<AppOwnedDbContext>();
            services.AddOAuth2CaptureDefaultStore();
        });

        await StartHostedServicesAsync(provider);

        Assert.False(File.Exists(_path));
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AppOwnedDbContext>().Database.EnsureCreatedAsync(Ct);
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        Assert.IsType<EfCoreTokenStore<AppOwnedDbContext>>(store);
        await store.CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "gh-1"), Ct);
        Assert.Single(await store.ListByOwnerAsync("alice", Ct));
    }

    [Fact]
    public void AddOAuth2CaptureStore_alone_registers_store_and_protector_but_no_migrations()
    {
        var services = new ServiceCollection();
        services.AddOAuth2CaptureStore<AppOwnedDbContext>();
        services.AddOAuth2CaptureStore<AppOwnedDbContext>();

        Assert.Equal(typeof(EfCoreTokenStore<AppOwnedDbContext>), Assert.Single(services, d => d.ServiceType == typeof(ITokenStore)).ImplementationType);
        Assert.Single(services, d => d.ServiceType == typeof(ITokenProtector));
        Assert.DoesNotContain(services, d => d.ImplementationType == typeof(OAuth2CaptureMigrationHostedService));
    }
}

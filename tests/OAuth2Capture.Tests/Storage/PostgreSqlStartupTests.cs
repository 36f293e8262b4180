using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Storage;

/// <summary>Start-up of the default store on PostgreSQL when the database, or the connection string, is missing.</summary>
public sealed class PostgreSqlStartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Startup_on_PostgreSql_with_a_database_that_does_not_exist_creates_it_and_migrates_even_with_two_instances_starting_together()
    {
        await using var database = PostgreSqlTestDatabase.Reserve();
        Assert.False(await database.ExistsAsync(Ct));
        var instances = Enumerable.Range(0, 2).Select(_ => Instance(database.ConnectionString)).ToList();
        try
        {
            await Task.WhenAll(instances.Select(async instance =>
            {
                foreach (var service in instance.GetServices<IHostedService>())
                {
                    await service.StartAsync(Ct);
                }
            }));

            Assert.True(await database.ExistsAsync(Ct));
            Assert.Contains(instances, instance => instance.GetFakeLogCollector().GetSnapshot().Any(record => record.Id.Id == 4010 && record.Message.Contains(database.Name, StringComparison.Ordinal)));
            await using var scope = instances[1].CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            Assert.Equal(context.Database.GetMigrations(), await context.Database.GetAppliedMigrationsAsync(Ct));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Startup_on_PostgreSql_with_a_missing_database_the_role_may_not_create_fails_with_one_message_naming_the_key_and_the_fixes()
    {
        await using var database = PostgreSqlTestDatabase.Reserve();
        var asRoleWithoutCreateDb = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = RoleWithoutCreateDb };
        await RequireRoleAsync(asRoleWithoutCreateDb);
        await using var instance = Instance(asRoleWithoutCreateDb.ConnectionString);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            foreach (var service in instance.GetServices<IHostedService>())
            {
                await service.StartAsync(Ct);
            }
        });

        Assert.Contains($"The PostgreSQL database '{database.Name}' named by OAuth2Capture:Store:ConnectionString does not exist", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"as role '{RoleWithoutCreateDb}' (42501", failure.Message, StringComparison.Ordinal);
        Assert.Contains("CREATEDB", failure.Message, StringComparison.Ordinal);
        Assert.False(await database.ExistsAsync(Ct));
    }

    [Fact]
    public async Task Startup_with_PostgreSql_and_no_connection_string_fails_validation_naming_the_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOAuth2Capture(options => options.Store.Provider = OAuth2CaptureStoreProvider.PostgreSql);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("OAuth2Capture:Store:ConnectionString is required when OAuth2Capture:Store:Provider is PostgreSql", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A login role without CREATEDB, same password as the test role; <c>.ci/run</c> creates it.</summary>
    private const string RoleWithoutCreateDb = "oauth2capture_nocreatedb";

    /// <summary>Skips (or, in CI, fails) when the server has no such role.</summary>
    private static async Task RequireRoleAsync(NpgsqlConnectionStringBuilder settings)
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Database = "postgres" }.ConnectionString);
            await connection.OpenAsync(Ct);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            var reason = $"This test needs a login role '{RoleWithoutCreateDb}' without CREATEDB and with the test role's password (.ci/run creates it): {ex.MessageText}";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }
    }

    private static ServiceProvider Instance(string connectionString)
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.Configure<OAuth2CaptureOptions>(options =>
        {
            options.Store.Provider = OAuth2CaptureStoreProvider.PostgreSql;
            options.Store.ConnectionString = connectionString;
        });
        services.AddOAuth2CaptureDefaultStore();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
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
    public async Task Startup_with_PostgreSql_and_no_connection_string_fails_validation_naming_the_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOAuth2Capture(options => options.Store.Provider = OAuth2CaptureStoreProvider.PostgreSql);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("OAuth2Capture:Store:ConnectionString is required when OAuth2Capture:Store:Provider is PostgreSql", failure.Message, StringComparison.Ordinal);
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

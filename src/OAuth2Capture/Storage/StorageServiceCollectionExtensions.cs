using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OAuth2Capture.Storage;

/// <summary>Registers the store; called by <c>AddOAuth2Capture</c> and its builders. Every method is safe to call twice.</summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store the library owns: <see cref="OAuth2CaptureDbContext"/> configured from <c>OAuth2Capture:Store</c>
    /// on the engine it names (see <see cref="StoreEngines"/>), the EF Core <see cref="ITokenStore"/>, the Data Protection <see cref="ITokenProtector"/>, and the start-up migrations.
    /// A store already registered (for example by <see cref="AddOAuth2CaptureStore{TContext}"/>) is kept.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services, so calls chain.</returns>
    public static IServiceCollection AddOAuth2CaptureDefaultStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        if (!services.Any(descriptor => descriptor.ServiceType == typeof(OAuth2CaptureDbContext)))
        {
            // Every request that reads a token, and every row the sweep refreshes, opens a scope: a pooled context (options
            // built once, the context reset and reused) cut a one-row read from 54 to 12 KiB and a third of its CPU.
            services.AddDbContextPool<OAuth2CaptureDbContext>(static (provider, builder) =>
                ConfigureDbContext(builder, provider.GetRequiredService<IOptions<OAuth2CaptureOptions>>().Value.Store, provider.GetServices<OAuth2CaptureStoreEngine>()));
        }

        services.AddStoreEngines();
        services.AddOptions<OAuth2CaptureOptions>();
        services.TryAddSingleton<SqliteWriteGate>();
        services.TryAddScoped<ITokenStore, EfCoreTokenStore<OAuth2CaptureDbContext>>();
        services.AddOAuth2CaptureTokenProtector();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OAuth2CaptureMigrationHostedService>());
        return services;
    }

    /// <summary>
    /// Registers the EF Core <see cref="ITokenStore"/> over an app's own context (which calls <c>modelBuilder.UseOAuth2Capture()</c>
    /// and owns the migrations) and the Data Protection <see cref="ITokenProtector"/>. Replaces any store registered before.
    /// </summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The same services, so calls chain.</returns>
    public static IServiceCollection AddOAuth2CaptureStore<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddSingleton<SqliteWriteGate>();
        services.Replace(ServiceDescriptor.Scoped<ITokenStore, EfCoreTokenStore<TContext>>());
        services.AddOAuth2CaptureTokenProtector();
        return services;
    }

    /// <summary>Applies the store settings to the library's context, through the configured engine.</summary>
    /// <param name="builder">The context's options builder.</param>
    /// <param name="store">The store settings.</param>
    /// <param name="engines">The store engines the app references.</param>
    private static void ConfigureDbContext(DbContextOptionsBuilder builder, OAuth2CaptureStoreOptions store, IEnumerable<OAuth2CaptureStoreEngine> engines)
    {
        StoreEngines.Get(engines, store.Provider).UseDatabase(builder, store.ConnectionString);
        LogCommandsAtDebug(builder);
    }

    /// <summary>
    /// The library's own SQL, one command per token read, would otherwise fill an app's console at EF Core's default
    /// Information level; at Debug it is there when asked for (<c>Microsoft.EntityFrameworkCore.Database.Command</c>).
    /// Failed commands keep their Error level.
    /// </summary>
    private static void LogCommandsAtDebug(DbContextOptionsBuilder builder)
        => builder.ConfigureWarnings(warnings => warnings.Log((RelationalEventId.CommandExecuted, LogLevel.Debug)));

    private static void AddOAuth2CaptureTokenProtector(this IServiceCollection services)
    {
        services.AddDataProtection();
        services.TryAddSingleton<ITokenProtector, DataProtectionTokenProtector>();
        services.TryAddSingleton<TokenSecrets>();
    }
}

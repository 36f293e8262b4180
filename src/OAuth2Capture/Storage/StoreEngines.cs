using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OAuth2Capture.Storage;

/// <summary>
/// The one place that knows which <see cref="OAuth2CaptureStoreEngine"/> serves which <c>OAuth2Capture:Store:Provider</c>,
/// which package brings it, and what to say when that package is missing.
/// </summary>
internal static class StoreEngines
{
    /// <summary>The package that brings the PostgreSQL engine.</summary>
    public const string PostgreSqlPackage = "OAuth2Capture.PostgreSql";

    // Found by name: the main package must not reference Npgsql, and the app referencing the package is the opt-in, so
    // Store:Provider=PostgreSql keeps working from configuration alone.
    private const string PostgreSqlEngineType = "OAuth2Capture.PostgreSql.PostgreSqlStoreEngine, " + PostgreSqlPackage;

    /// <summary>Registers the SQLite engine and every engine whose package the app references.</summary>
    /// <param name="services">The services.</param>
    public static void AddStoreEngines(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<OAuth2CaptureStoreEngine, SqliteStoreEngine>());
        if (Type.GetType(PostgreSqlEngineType, throwOnError: false) is { } postgreSql)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(OAuth2CaptureStoreEngine), postgreSql));
        }
    }

    /// <summary>The engine of a configured provider, or <see langword="null"/> when its package is not referenced.</summary>
    /// <param name="engines">The registered engines.</param>
    /// <param name="provider">The configured provider.</param>
    public static OAuth2CaptureStoreEngine? Find(IEnumerable<OAuth2CaptureStoreEngine> engines, OAuth2CaptureStoreProvider provider)
        => engines.FirstOrDefault(engine => engine.Provider == provider);

    /// <summary>The engine of a configured provider; a missing package throws the start-up message.</summary>
    /// <param name="engines">The registered engines.</param>
    /// <param name="provider">The configured provider.</param>
    public static OAuth2CaptureStoreEngine Get(IEnumerable<OAuth2CaptureStoreEngine> engines, OAuth2CaptureStoreProvider provider)
        => Find(engines, provider) ?? throw new InvalidOperationException(Missing(provider));

    /// <summary>This package's version, which the store package must match (without the source revision).</summary>
    public static string Version { get; } = (typeof(StoreEngines).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(StoreEngines).Assembly.GetName().Version?.ToString() ?? "0.0.0").Split('+')[0];

    /// <summary>What start-up says when the configured provider's package is not referenced.</summary>
    /// <param name="provider">The configured provider.</param>
    public static string Missing(OAuth2CaptureStoreProvider provider)
        => provider == OAuth2CaptureStoreProvider.PostgreSql
            ? $"{OAuth2CaptureDefaults.ConfigurationSection}:Store:Provider is PostgreSql, whose store ships in its own package: " +
              $"run 'dotnet add package {PostgreSqlPackage} --version {Version}' (the version of OAuth2Capture), or set {OAuth2CaptureDefaults.ConfigurationSection}:Store:Provider to Sqlite."
            : $"{OAuth2CaptureDefaults.ConfigurationSection}:Store:Provider '{provider}' has no store engine.";
}

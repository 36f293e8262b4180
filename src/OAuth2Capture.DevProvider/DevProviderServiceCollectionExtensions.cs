using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.DevProvider.Internal;
using OpenIddict.Core;
using OpenIddict.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the OAuth2Capture dev provider (an OpenIddict server with fault switches) in a host's services.
/// Pair it with <c>UseOAuth2CaptureDevProvider</c> on the application; <see cref="DevProviderServer"/> does both.
/// </summary>
public static class DevProviderServiceCollectionExtensions
{
    /// <summary>Registers the dev provider with default options.</summary>
    /// <param name="services">The services to add to.</param>
    /// <returns>The same <paramref name="services"/>.</returns>
    public static IServiceCollection AddOAuth2CaptureDevProvider(this IServiceCollection services)
        => services.AddOAuth2CaptureDevProvider(new DevProviderOptions());

    /// <summary>Registers the dev provider with options set by <paramref name="configure"/>.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same <paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    public static IServiceCollection AddOAuth2CaptureDevProvider(this IServiceCollection services, Action<DevProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new DevProviderOptions();
        configure(options);
        return services.AddOAuth2CaptureDevProvider(options);
    }

    /// <summary>
    /// Registers the dev provider: OpenIddict (EF Core in-memory store, in-memory keys, code flow with PKCE, rotating
    /// reference refresh tokens, revocation, introspection, user info), the fault switches, the stats and a hosted
    /// service that registers the default client at start-up.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="options">The options; read now, so later changes have no effect.</param>
    /// <returns>The same <paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is empty or out of range.</exception>
    public static IServiceCollection AddOAuth2CaptureDevProvider(this IServiceCollection services, DevProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);

        var databaseName = options.DatabaseName ?? "oauth2capture-devprovider-" + Guid.NewGuid().ToString("N");

        services.AddSingleton(options);
        services.AddLogging();
        services.AddRouting();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new DevProviderTokenOperations(
            provider.GetRequiredService<IServiceScopeFactory>(), options.TimeProvider ?? provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new DevProviderFaults(provider.GetRequiredService<DevProviderTokenOperations>(), options));
        services.AddSingleton(_ => new DevProviderStats());
        services.AddSingleton<DevApiPosts>();
        services.AddSingleton(provider => new DevProviderClientRegistrar(
            provider.GetRequiredService<IServiceScopeFactory>(), options, provider.GetRequiredService<ILogger<DevProviderClientRegistrar>>()));
        services.AddHostedService(provider => new DevProviderSeeder(provider.GetRequiredService<DevProviderClientRegistrar>(), options));

        services.AddDbContext<DevProviderDbContext>(db => db
            .UseInMemoryDatabase(databaseName)
            .ConfigureWarnings(warnings => warnings.Ignore(InMemoryEventId.TransactionIgnoredWarning))
            .UseOpenIddict());

        services.AddOpenIddict()
            .AddCore(core => core
                .UseEntityFrameworkCore()
                .UseDbContext<DevProviderDbContext>()
                .DisableBulkOperations())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(DevProviderPaths.Authorization)
                    .SetTokenEndpointUris(DevProviderPaths.Token)
                    .SetRevocationEndpointUris(DevProviderPaths.Revocation)
                    .SetIntrospectionEndpointUris(DevProviderPaths.Introspection)
                    .SetUserInfoEndpointUris(DevProviderPaths.UserInfo);
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                server.RegisterScopes([.. DevProviderOptions.DefaultScopes.Union(options.AdditionalScopes, StringComparer.Ordinal)]);
                server.AddEncryptionKey(DevProviderKeys.CreateEncryptionKey()).AddSigningKey(DevProviderKeys.SigningKey);
                server.DisableAccessTokenEncryption();
                server.UseReferenceRefreshTokens();
                server.SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(options.RefreshTokenLifetime)
                    .SetRefreshTokenReuseLeeway(options.RefreshTokenReuseLeeway);
                server.AddEventHandler(DevProviderLifetimeHandler.Descriptor);
                if (options.AnnounceRefreshTokenLifetime)
                {
                    server.AddEventHandler(DevProviderRefreshLifetimeAnnouncer.Descriptor);
                }
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                // The protected API (api/…) checks each access token against the server's own keys and store: its token
                // entry and its grant, so a revoked grant fails at once.
                validation.UseLocalServer();
                validation.EnableTokenEntryValidation();
                validation.EnableAuthorizationEntryValidation();
                validation.UseAspNetCore();
            });

        if (options.TimeProvider is { } clock)
        {
            services.Configure<OpenIddictCoreOptions>(core => core.TimeProvider = clock);
            services.Configure<OpenIddictServerOptions>(server => server.TimeProvider = clock);
            services.Configure<OpenIddict.Validation.OpenIddictValidationOptions>(validation => validation.TimeProvider = clock);
        }

        return services;
    }

    private static void Validate(DevProviderOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.ClientId, "options.ClientId");
        ArgumentException.ThrowIfNullOrEmpty(options.ClientSecret, "options.ClientSecret");
        ArgumentException.ThrowIfNullOrEmpty(options.DefaultUser, "options.DefaultUser");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.AccessTokenLifetime, TimeSpan.Zero, "options.AccessTokenLifetime");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RefreshTokenLifetime, TimeSpan.Zero, "options.RefreshTokenLifetime");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RefreshTokenReuseLeeway, TimeSpan.Zero, "options.RefreshTokenReuseLeeway");
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using OAuth2Capture;
using OAuth2Capture.Background;
using OAuth2Capture.Http;
using OAuth2Capture.Http.ConnectFlow;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Revocation;
using OAuth2Capture.Providers.Resilience;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers OAuth2Capture.</summary>
public static class OAuth2CaptureServiceCollectionExtensions
{
    /// <summary>
    /// Registers OAuth2Capture configured from a configuration section (usually <c>builder.Configuration.GetSection("OAuth2Capture")</c>).
    /// Unknown keys and invalid values fail at start-up with a message naming the key. Calling it twice is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>OAuth2Capture</c> section.</param>
    /// <returns>A builder for further configuration.</returns>
    public static OAuth2CaptureBuilder AddOAuth2Capture(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OAuth2CaptureOptions>().Configure(options =>
        {
            // Checked before binding: the binder's own errors name a type rather than the key, and list no valid values.
            if (OAuth2CaptureConfigurationCheck.Check(configuration, typeof(OAuth2CaptureOptions)) is { Count: > 0 } problems)
            {
                throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(OAuth2CaptureOptions), problems);
            }

            configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        });
        services.AddSingleton<IOptionsChangeTokenSource<OAuth2CaptureOptions>>(new ConfigurationChangeTokenSource<OAuth2CaptureOptions>(Microsoft.Extensions.Options.Options.DefaultName, configuration));
        return services.AddOAuth2Capture();
    }

    /// <summary>Registers OAuth2Capture configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder for further configuration.</returns>
    public static OAuth2CaptureBuilder AddOAuth2Capture(this IServiceCollection services, Action<OAuth2CaptureOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services.AddOAuth2Capture();
    }

    /// <summary>Registers OAuth2Capture with default options; configure it through the returned builder.</summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder for further configuration.</returns>
    public static OAuth2CaptureBuilder AddOAuth2Capture(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<OAuth2CaptureOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OAuth2CaptureOptions>, OAuth2CaptureOptionsValidator>());
        services.AddStoreEngines();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddHttpClient();
        services.TryAddSingleton<IOAuthProviderCatalog, OAuthProviderCatalog>();
        services.AddResiliencePipelineRegistry<ProviderResiliencePipelines.Key>(registry =>
            registry.BuilderNameFormatter = key => $"OAuth2Capture.{key.Provider}");
        services.TryAddSingleton<ProviderResiliencePipelines>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, ProviderClientFilter>());

        services.TryAddSingleton(provider =>
        {
            var flights = new RefreshFlights();
            provider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(flights.CancelAll);
            return flights;
        });
        services.TryAddSingleton(provider =>
        {
            var flights = new RejectionFlights();
            provider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(flights.CancelAll);
            return flights;
        });
        services.TryAddSingleton<ReadFlights<(string OwnerId, string Provider)>>();
        services.TryAddSingleton<ReadFlights<Guid>>();
        services.TryAddSingleton<TokenCache>();
        services.TryAddSingleton<IConnectionWriteListener>(provider => provider.GetRequiredService<TokenCache>());
        services.TryAddSingleton<ConnectionChangeSignals>();
        services.TryAddSingleton<ProviderTokenValidator>();
        services.TryAddScoped<RefreshLease>();
        services.TryAddScoped<RefreshOutcomeWriter>();
        services.TryAddSingleton<OAuth2Capture.Diagnostics.ProviderConfigurationRejections>();
        services.TryAddScoped<TokenRefresher>();
        services.TryAddScoped<UnreadableSecretsAnswer>();
        services.TryAddScoped<TokenValidityService>();
        services.TryAddScoped<AccessTokenRejection>();

        // The app may decorate or replace the public service; the background sweep uses the built-in one directly.
        services.TryAddScoped<ITokenValidityService>(provider => provider.GetRequiredService<TokenValidityService>());

        services.TryAddSingleton<ReauthNotificationDispatcher>();
        services.TryAddSingleton<IReauthTransitionListener>(provider => provider.GetRequiredService<ReauthNotificationDispatcher>());

        services.TryAddSingleton<IOwnerIdResolver, ClaimsOwnerIdResolver>();
        services.TryAddSingleton<ProviderTokenRevoker>();
        services.TryAddScoped<IOAuthConnectionService, OAuthConnectionService>();
        services.TryAddSingleton<PendingActionProtector>();
        services.TryAddSingleton<ScopeRequestProtector>();
        services.TryAddSingleton<OAuth2CaptureEndpointLinks>();
        services.TryAddSingleton<ReauthLoopGuard>();
        services.TryAddSingleton<ProviderProfileReader>();
        services.TryAddScoped<ConnectionWriter>();
        services.TryAddScoped<ConnectFlowEvents>();
        services.AddAntiforgery();
        services.AddAuthentication();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AuthenticationOptions>, OAuthSchemeConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AuthenticationOptions>, AppSignInSchemes>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OAuth2CaptureOAuthOptions>, OAuthSchemeConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OAuth2CaptureOAuthOptions>, OAuthPostConfigureOptions<OAuth2CaptureOAuthOptions, OAuth2CaptureOAuthHandler>>());
        services.TryAddSingleton<IReauthMessageProvider, DefaultReauthMessageProvider>();
        services.TryAddSingleton<TokenFailureErrorMapper>();
        services.TryAddScoped<ConnectionStatusReader>();
        services.TryAddScoped<OAuth2Capture.Components.OAuthCircuitConnections>();
        services.TryAddScoped<OAuthTokenRequirementEvaluator>();

        services.AddOAuth2CaptureDefaultStore();

        // After the store's migrations (a hosted service too): listening needs the database they may create.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StoreChangeFeed>());
        services.AddOAuth2CaptureBackground();
        return new OAuth2CaptureBuilder(services);
    }
}

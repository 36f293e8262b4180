using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OAuth2Capture.Background;

/// <summary>Registers the background refresher (idle until enabled) and the validation of its options.</summary>
internal static class BackgroundServiceCollectionExtensions
{
    /// <summary>Registers once; safe to call twice. The hosted service goes after the store's migrations, so it starts after them.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddOAuth2CaptureBackground(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OAuth2CaptureOptions>, BackgroundRefreshOptionsValidator>());
        services.TryAddSingleton<ExpiryNoticeSender>();
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(BackgroundTokenRefresher)))
        {
            services.AddSingleton<BackgroundTokenRefresher>();
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<BackgroundTokenRefresher>());
        }

        return services;
    }
}

using Microsoft.Extensions.Http;

namespace OAuth2Capture.Providers.Resilience;

/// <summary>
/// Adds <see cref="ProviderHttpHandler"/> to every named client <c>OAuth2Capture.{provider}</c>, whichever providers are
/// configured, so no client has to be declared per provider at registration time.
/// </summary>
internal sealed class ProviderHttpHandlerFilter(ProviderResiliencePipelines pipelines, IOAuthProviderCatalog catalog) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
        => builder =>
        {
            next(builder);
            if (builder.Name is { } name && name.StartsWith(OAuth2CaptureDefaults.HttpClientNamePrefix, StringComparison.Ordinal))
            {
                var providerName = name[OAuth2CaptureDefaults.HttpClientNamePrefix.Length..];
                var userAgent = catalog.TryGet(providerName, out var provider) ? provider.UserAgent : null;
                builder.AdditionalHandlers.Add(new ProviderHttpHandler(pipelines.Get(providerName), userAgent ?? DefaultUserAgent));
            }
        };

    private static readonly string DefaultUserAgent = $"OAuth2Capture/{typeof(ProviderHttpHandlerFilter).Assembly.GetName().Version?.ToString(3)}";
}

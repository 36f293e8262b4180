using Microsoft.Extensions.Http;
using OAuth2Capture.Providers.Resilience;
using OAuth2Capture.Providers.Responses;

namespace OAuth2Capture.Providers;

/// <summary>
/// Builds every named client <c>OAuth2Capture.{provider}</c>, whichever providers are configured, so no client has to be
/// declared per provider at registration time. Outermost, before the app's own handlers, the response bound
/// (<see cref="ProviderResponseLimitHandler"/>): it applies to the answer the caller reads, whichever attempt produced it.
/// Innermost, after them, the provider's resilience pipeline and user agent (<see cref="ProviderHttpHandler"/>).
/// </summary>
internal sealed class ProviderClientFilter(ProviderResiliencePipelines pipelines, IOAuthProviderCatalog catalog, TimeProvider time) : IHttpMessageHandlerBuilderFilter
{
    private static readonly string DefaultUserAgent = $"OAuth2Capture/{typeof(ProviderClientFilter).Assembly.GetName().Version?.ToString(3)}";

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
        => builder =>
        {
            next(builder);
            if (builder.Name is not { } name || !name.StartsWith(OAuth2CaptureDefaults.HttpClientNamePrefix, StringComparison.Ordinal))
            {
                return;
            }

            var providerName = name[OAuth2CaptureDefaults.HttpClientNamePrefix.Length..];
            var provider = catalog.TryGet(providerName, out var configured) ? configured : null;
            builder.AdditionalHandlers.Insert(0, new ProviderResponseLimitHandler(provider?.ResponseLimits ?? ProviderResponseLimits.Default, time));
            builder.AdditionalHandlers.Add(new ProviderHttpHandler(pipelines.Get(providerName), provider?.UserAgent ?? DefaultUserAgent));
        };
}

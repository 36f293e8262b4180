using Microsoft.Extensions.Http;

namespace OAuth2Capture.Providers.Responses;

/// <summary>
/// Adds <see cref="ProviderResponseLimitHandler"/> to every named client <c>OAuth2Capture.{provider}</c>, outside the
/// resilience pipeline: the bound applies to the answer the caller reads, whichever attempt produced it.
/// </summary>
internal sealed class ProviderResponseLimitFilter(IOAuthProviderCatalog catalog, TimeProvider time) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
        => builder =>
        {
            next(builder);
            if (builder.Name is { } name && name.StartsWith(OAuth2CaptureDefaults.HttpClientNamePrefix, StringComparison.Ordinal))
            {
                var limits = catalog.TryGet(name[OAuth2CaptureDefaults.HttpClientNamePrefix.Length..], out var provider)
                    ? provider.ResponseLimits
                    : ProviderResponseLimits.Default;
                builder.AdditionalHandlers.Insert(0, new ProviderResponseLimitHandler(limits, time));
            }
        };
}

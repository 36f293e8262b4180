using Polly;

namespace OAuth2Capture.Providers.Resilience;

/// <summary>Runs every request of one provider's <see cref="HttpClient"/> through that provider's pipeline and sets its User-Agent.</summary>
internal sealed class ProviderHttpHandler(ResiliencePipeline<HttpResponseMessage> pipeline, string? userAgent) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (userAgent is not null && request.Headers.UserAgent.Count == 0)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ProviderResiliencePipelines.IdempotentRequest, request.Method == HttpMethod.Get || request.Method == HttpMethod.Head);
        try
        {
            return await pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendCoreAsync(state.Request, ctx.CancellationToken)),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => base.SendAsync(request, cancellationToken);
}

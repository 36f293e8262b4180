namespace OAuth2Capture.Providers.Responses;

/// <summary>Gives every answer of one provider's <see cref="HttpClient"/> a body that can only be read within the provider's bounds.</summary>
internal sealed class ProviderResponseLimitHandler(ProviderResponseLimits limits, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.Content = new BoundedResponseContent(response.Content, limits, time);
        return response;
    }
}

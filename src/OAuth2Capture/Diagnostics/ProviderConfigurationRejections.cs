using System.Collections.Concurrent;

namespace OAuth2Capture.Diagnostics;

/// <summary>
/// Which providers rejected the app's own configuration (<c>invalid_client</c> and the like) at their token endpoint, as
/// this instance saw it last: recorded by the refresh and the code exchange, cleared by the next success at that provider,
/// read by the health check. In memory per instance, like the unreadable-token count: it costs no query and no write.
/// </summary>
internal sealed class ProviderConfigurationRejections(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Rejection> _byProvider = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One provider's latest rejection: its error code and when it was first seen since the last success.</summary>
    public sealed record Rejection(string Provider, string? Error, DateTimeOffset Since);

    public void Record(string provider, string? error)
        => _byProvider.AddOrUpdate(provider, name => new Rejection(name, error, time.GetUtcNow()), (_, existing) => existing with { Error = error });

    public void Clear(string provider) => _byProvider.TryRemove(provider, out _);

    public IReadOnlyList<Rejection> Current => [.. _byProvider.Values.OrderBy(r => r.Provider, StringComparer.Ordinal)];
}

using System.Diagnostics.Metrics;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Diagnostics;

/// <summary>
/// The latest per-provider connection counts, refreshed by each sweep and each health check, so the
/// <c>oauth2capture.connections.reauth_required</c> gauge never queries the store when it is read.
/// </summary>
internal static class ConnectionCountsSnapshot
{
    private static volatile IReadOnlyList<ProviderConnectionCounts> latest = [];

    public static void Update(IReadOnlyList<ProviderConnectionCounts> counts) => latest = counts;

    public static IEnumerable<Measurement<long>> ObserveReauthRequired()
    {
        foreach (var count in latest)
        {
            yield return new Measurement<long>(count.ReauthRequired, new KeyValuePair<string, object?>("provider", count.Provider));
        }
    }
}

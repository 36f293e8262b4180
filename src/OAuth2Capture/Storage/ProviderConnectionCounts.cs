namespace OAuth2Capture.Storage;

/// <summary>How many connections one provider has, and how many of them need the user to reconnect.</summary>
/// <param name="Provider">The provider name.</param>
/// <param name="Total">All connections of the provider.</param>
/// <param name="ReauthRequired">Connections whose status is <see cref="ConnectionHealth.ReauthRequired"/>.</param>
public sealed record ProviderConnectionCounts(string Provider, int Total, int ReauthRequired)
{
    /// <summary>Gets the share of connections needing re-auth, between 0 and 1.</summary>
    public double ReauthRequiredShare => Total == 0 ? 0 : (double)ReauthRequired / Total;
}

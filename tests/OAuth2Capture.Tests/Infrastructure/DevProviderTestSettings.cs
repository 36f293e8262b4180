using OAuth2Capture.DevProvider;
using OAuth2Capture.Providers;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>The settings every test app uses against a DevProvider: a generic provider by endpoints, fast retries, no breaker trips.</summary>
internal static class DevProviderTestSettings
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(4);

    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(8);

    /// <summary>A generic provider pointing at the DevProvider's endpoints, with its default client.</summary>
    public static OAuthProviderOptions Provider(DevProviderServer dev, string displayName = "DevProvider", string[]? scopes = null) => new()
    {
        ClientId = dev.Options.ClientId,
        ClientSecret = dev.Options.ClientSecret,
        DisplayName = displayName,
        AuthorizationEndpoint = dev.AuthorizationEndpoint.ToString(),
        TokenEndpoint = dev.TokenEndpoint.ToString(),
        UserInformationEndpoint = dev.UserInfoEndpoint.ToString(),
        RevocationEndpoint = dev.RevocationEndpoint.ToString(),
        IntrospectionEndpoint = dev.IntrospectionEndpoint.ToString(),
        Scopes = scopes ?? ["openid", "profile", "offline_access", "read"],
    };

    /// <summary>Store on a SQLite file, resilience bounds short enough for tests, and the DevProvider as <see cref="CaptureHarness.Provider"/>.</summary>
    public static void Apply(OAuth2CaptureOptions options, DevProviderServer dev, string databasePath)
    {
        options.Store.ConnectionString = $"Data Source={databasePath};Pooling=False";
        options.Resilience.RetryDelay = TimeSpan.FromMilliseconds(20);
        // Generous enough for a loaded 2-core CI machine; tests of the time bound compare against TotalTimeout.
        options.Resilience.AttemptTimeout = AttemptTimeout;
        options.Resilience.TotalTimeout = TotalTimeout;
        options.Resilience.CircuitBreakerMinimumThroughput = 1000;
        options.Providers[CaptureHarness.Provider] = Provider(dev);
    }
}

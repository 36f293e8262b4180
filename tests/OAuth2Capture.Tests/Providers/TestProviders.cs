using OAuth2Capture.Providers;

namespace OAuth2Capture.Tests.Providers;

/// <summary>Builds configured providers the way the catalog does, with fixed test credentials.</summary>
internal static class TestProviders
{
    public const string ClientId = "client-id";
    public const string ClientSecret = "client-secret";

    /// <summary>Base64 of <c>client-id:client-secret</c>.</summary>
    public static readonly string BasicCredentials = Convert.ToBase64String("client-id:client-secret"u8.ToArray());

    public static OAuthProvider Create(string name, Action<OAuthProviderOptions>? configure = null)
    {
        var options = new OAuthProviderOptions { ClientId = ClientId, ClientSecret = ClientSecret, UserAgent = "web:com.example.tests:1.0 (by /u/tests)" };
        configure?.Invoke(options);
        return OAuthProviderCatalog.Build(name, options);
    }

    /// <summary>Builds a generic provider, defined by its endpoints in configuration alone.</summary>
    public static OAuthProvider CreateGeneric(string name = "acme")
        => Create(name, options =>
        {
            options.AuthorizationEndpoint = $"https://{name}.example/authorize";
            options.TokenEndpoint = $"https://{name}.example/token";
        });
}

using OAuth2Capture.Providers.Responses;

namespace OAuth2Capture.Providers;

/// <summary>A configured provider: its descriptor with the app's overrides applied, plus the app's client credentials.</summary>
public sealed class OAuthProvider
{
    internal OAuthProvider(OAuthProviderDescriptor descriptor, string clientId, string clientSecret, IReadOnlyList<string> scopes, string? userAgent, bool isBuiltIn, ProviderResponseLimits responseLimits)
    {
        ResponseLimits = responseLimits;
        Descriptor = descriptor;
        ClientId = clientId;
        ClientSecret = clientSecret;
        Scopes = scopes;
        UserAgent = userAgent;
        IsBuiltIn = isBuiltIn;
    }

    /// <summary>Gets the provider name (lower case).</summary>
    public string Name => Descriptor.Name;

    /// <summary>Gets the name shown to users.</summary>
    public string DisplayName => Descriptor.DisplayName;

    /// <summary>Gets the effective descriptor (defaults with configuration applied).</summary>
    public OAuthProviderDescriptor Descriptor { get; }

    /// <summary>Gets the client id.</summary>
    public string ClientId { get; }

    /// <summary>Gets the client secret.</summary>
    public string ClientSecret { get; }

    /// <summary>Gets the scopes requested on connect.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>Gets the <c>User-Agent</c> sent to the provider, when configured.</summary>
    public string? UserAgent { get; }

    /// <summary>Gets a value indicating whether this is one of the built-in providers (as opposed to a generic one from configuration).</summary>
    public bool IsBuiltIn { get; }

    /// <summary>Gets the bounds on this provider's answers (<c>OAuth2Capture:Resilience</c>).</summary>
    internal ProviderResponseLimits ResponseLimits { get; }

    /// <summary>Gets the name of the <see cref="System.Net.Http.IHttpClientFactory"/> client used for this provider.</summary>
    public string HttpClientName => OAuth2CaptureDefaults.HttpClientNamePrefix + Name;
}

using System.Diagnostics.CodeAnalysis;

namespace OAuth2Capture.Providers;

/// <summary>The configured providers, by name (case-insensitive).</summary>
public interface IOAuthProviderCatalog
{
    /// <summary>Gets every configured provider.</summary>
    IReadOnlyCollection<OAuthProvider> All { get; }

    /// <summary>Finds a configured provider.</summary>
    /// <param name="name">The provider name.</param>
    /// <param name="provider">The provider, when configured.</param>
    /// <returns><see langword="true"/> when the provider is configured.</returns>
    bool TryGet(string name, [NotNullWhen(true)] out OAuthProvider? provider);
}

using System.Diagnostics.CodeAnalysis;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>The built-in provider descriptors by name (case-insensitive).</summary>
internal static class BuiltInProviders
{
    private static readonly Dictionary<string, OAuthProviderDescriptor> ByName = new[]
    {
        TwitterProvider.Descriptor,
        LinkedInProvider.Descriptor,
        GitHubProvider.Descriptor,
        RedditProvider.Descriptor,
        PinterestProvider.Descriptor,
        FacebookProvider.Descriptor,
        YouTubeProvider.Descriptor,
    }.ToDictionary(descriptor => descriptor.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets every built-in descriptor.</summary>
    public static IReadOnlyCollection<OAuthProviderDescriptor> All => ByName.Values;

    /// <summary>Gets the names of the built-in providers.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>Finds a built-in descriptor.</summary>
    /// <param name="name">The provider name, in any case.</param>
    /// <param name="descriptor">The descriptor, when built in.</param>
    /// <returns><see langword="true"/> when a built-in provider has that name.</returns>
    public static bool TryGet(string name, [NotNullWhen(true)] out OAuthProviderDescriptor? descriptor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.TryGetValue(name, out descriptor);
    }
}

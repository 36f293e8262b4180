using OAuth2Capture.Providers;

namespace ReauthSample;

/// <summary>A provider backed by the embedded DevProvider: its name in the app, what users see, its client there.</summary>
public sealed record DevBackedProvider(string Name, string DisplayName, string ClientId, string ClientSecret);

/// <summary>
/// The providers the sample always has: <c>dev</c> ("DevSocial") and <c>dev2</c> ("DevPhotos"), two clients of the same
/// embedded DevProvider. Real providers configured under <c>OAuth2Capture:Providers</c> come on top.
/// </summary>
public sealed class SampleProviders(IOAuthProviderCatalog catalog)
{
    public const string Social = "dev";
    public const string Photos = "dev2";

    /// <summary>Where the DevProvider is mounted in the sample's pipeline.</summary>
    public const string DevProviderPath = "/dev-provider";

    public static IReadOnlyList<DevBackedProvider> DevBacked { get; } =
    [
        new(Social, "DevSocial", "reauth-sample-social", "reauth-sample-social-secret"),
        new(Photos, "DevPhotos", "reauth-sample-photos", "reauth-sample-photos-secret"),
    ];

    public DevBackedProvider? FindDev(string provider)
        => DevBacked.FirstOrDefault(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every configured provider, DevProvider-backed first.</summary>
    public IReadOnlyList<OAuthProvider> All
        => [.. catalog.All.OrderBy(p => FindDev(p.Name) is null).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase)];

    public bool TryGet(string? name, out OAuthProvider provider)
    {
        provider = null!;
        return !string.IsNullOrWhiteSpace(name) && catalog.TryGet(name, out provider!);
    }

    /// <summary>The message for a provider name that is not configured.</summary>
    public string Unknown(string? name)
        => $"There is no provider called \"{name}\" in this app. The configured providers are: {string.Join(", ", All.Select(p => $"{p.DisplayName} ({p.Name})"))}.";
}

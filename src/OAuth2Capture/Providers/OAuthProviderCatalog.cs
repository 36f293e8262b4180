using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers.BuiltIn;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Providers.Responses;

namespace OAuth2Capture.Providers;

/// <summary>
/// Builds the configured providers once from <see cref="OAuth2CaptureOptions.Providers"/>: each starts from the
/// built-in descriptor of that name, or from a generic descriptor built from configuration alone, and every option the
/// app set overrides the matching descriptor value.
/// </summary>
internal sealed class OAuthProviderCatalog : IOAuthProviderCatalog
{
    /// <summary>The <c>RefreshStrategy</c> value of RFC 6749 §6 refresh for generic providers.</summary>
    internal const string StandardRefreshStrategyName = "Standard";

    /// <summary>The <c>RefreshStrategy</c> value of generic providers that issue no refresh tokens.</summary>
    internal const string NoRefreshStrategyName = "None";

    private readonly Dictionary<string, OAuthProvider> providers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The validated options (reading them runs <see cref="OAuth2CaptureOptionsValidator"/>).</param>
    public OAuthProviderCatalog(IOptions<OAuth2CaptureOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = ProviderResponseLimits.From(options.Value.Resilience);
        foreach (var (name, providerOptions) in options.Value.Providers)
        {
            var provider = Build(name, providerOptions, limits);
            providers[provider.Name] = provider;
        }

        All = providers.Values.ToArray();
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<OAuthProvider> All { get; }

    /// <inheritdoc/>
    public bool TryGet(string name, [NotNullWhen(true)] out OAuthProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(name);
        return providers.TryGetValue(name, out provider);
    }

    /// <summary>Maps a <c>RefreshStrategy</c> configuration value to its strategy.</summary>
    /// <param name="value">The configured value (case-insensitive); <see langword="null"/> means <c>Standard</c>.</param>
    /// <param name="strategy">The strategy, when the value is known.</param>
    /// <returns><see langword="true"/> when the value is known.</returns>
    internal static bool TryParseRefreshStrategy(string? value, [NotNullWhen(true)] out IRefreshStrategy? strategy)
    {
        strategy = value is null || value.Equals(StandardRefreshStrategyName, StringComparison.OrdinalIgnoreCase)
            ? StandardRefreshStrategy.Instance
            : value.Equals(NoRefreshStrategyName, StringComparison.OrdinalIgnoreCase) ? NoRefreshStrategy.Instance : null;
        return strategy is not null;
    }

    /// <summary>Builds one configured provider.</summary>
    /// <param name="name">The configuration key.</param>
    /// <param name="options">The provider's options.</param>
    /// <param name="limits">The bounds on its answers; the defaults when <see langword="null"/>.</param>
    /// <returns>The provider.</returns>
    internal static OAuthProvider Build(string name, OAuthProviderOptions options, ProviderResponseLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        var isBuiltIn = BuiltInProviders.TryGet(name, out var descriptor);
        descriptor ??= Generic(name, options);

        var authorizationParameters = new Dictionary<string, string>(descriptor.AuthorizationParameters, StringComparer.Ordinal);
        foreach (var (key, value) in options.AuthorizationParameters)
        {
            authorizationParameters[key] = value;
        }

        var revocationEndpoint = options.RevocationEndpoint ?? descriptor.RevocationEndpoint;
        descriptor = descriptor with
        {
            DisplayName = options.DisplayName ?? descriptor.DisplayName,
            AuthorizationEndpoint = options.AuthorizationEndpoint ?? descriptor.AuthorizationEndpoint,
            TokenEndpoint = options.TokenEndpoint ?? descriptor.TokenEndpoint,
            UserInformationEndpoint = options.UserInformationEndpoint ?? descriptor.UserInformationEndpoint,
            RevocationEndpoint = revocationEndpoint,
            IntrospectionEndpoint = options.IntrospectionEndpoint ?? descriptor.IntrospectionEndpoint,
            UsePkce = options.UsePkce ?? descriptor.UsePkce,
            ClientAuthentication = options.ClientAuthentication ?? descriptor.ClientAuthentication,
            AuthorizationParameters = authorizationParameters,
            UserIdJsonPath = options.UserIdJsonPath ?? descriptor.UserIdJsonPath,
            DisplayNameJsonPath = options.DisplayNameJsonPath ?? descriptor.DisplayNameJsonPath,

            // A provider without its own revocation method gets RFC 7009 once the app names an endpoint.
            Revocation = descriptor.Revocation == RevocationMethod.None && revocationEndpoint is not null ? RevocationMethod.Rfc7009 : descriptor.Revocation,
        };

        IReadOnlyList<string> scopes = options.Scopes is { } configured ? [.. configured] : descriptor.DefaultScopes;
        return new OAuthProvider(
            descriptor,
            options.ClientId ?? throw new InvalidOperationException($"{OAuth2CaptureOptionsValidator.ProviderKey(name)}:ClientId is required."),
            options.ClientSecret ?? throw new InvalidOperationException($"{OAuth2CaptureOptionsValidator.ProviderKey(name)}:ClientSecret is required."),
            scopes,
            options.UserAgent,
            isBuiltIn,
            limits ?? ProviderResponseLimits.Default);
    }

    private static OAuthProviderDescriptor Generic(string name, OAuthProviderOptions options)
    {
        if (!TryParseRefreshStrategy(options.RefreshStrategy, out var strategy))
        {
            throw new InvalidOperationException($"{OAuth2CaptureOptionsValidator.ProviderKey(name)}:RefreshStrategy '{options.RefreshStrategy}' is not one of Standard, None.");
        }

        return new OAuthProviderDescriptor
        {
            Name = name.ToLowerInvariant(),
            DisplayName = options.DisplayName ?? name,
            AuthorizationEndpoint = options.AuthorizationEndpoint
                ?? throw new InvalidOperationException($"{OAuth2CaptureOptionsValidator.ProviderKey(name)}:AuthorizationEndpoint is required for the generic provider '{name}'."),
            TokenEndpoint = options.TokenEndpoint
                ?? throw new InvalidOperationException($"{OAuth2CaptureOptionsValidator.ProviderKey(name)}:TokenEndpoint is required for the generic provider '{name}'."),
            UsePkce = true,
            ClientAuthentication = ClientAuthenticationMethod.RequestBody,
            UserIdJsonPath = "sub",
            DisplayNameJsonPath = "name",
            RefreshStrategy = strategy,
            Revocation = RevocationMethod.None,
        };
    }
}

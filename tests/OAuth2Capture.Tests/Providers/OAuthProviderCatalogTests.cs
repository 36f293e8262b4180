using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.BuiltIn;
using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Tests.Providers;

public sealed class OAuthProviderCatalogTests
{
    [Fact]
    public void Catalog_with_built_in_provider_applies_every_override()
    {
        var catalog = CreateCatalog(new Dictionary<string, string?>
        {
            ["OAuth2Capture:Providers:GitHub:ClientId"] = "id",
            ["OAuth2Capture:Providers:GitHub:ClientSecret"] = "secret",
            ["OAuth2Capture:Providers:GitHub:DisplayName"] = "GitHub Enterprise",
            ["OAuth2Capture:Providers:GitHub:TokenEndpoint"] = "https://ghe.example.com/login/oauth/access_token",
            ["OAuth2Capture:Providers:GitHub:UsePkce"] = "false",
            ["OAuth2Capture:Providers:GitHub:Scopes:0"] = "repo",
            ["OAuth2Capture:Providers:GitHub:AuthorizationParameters:allow_signup"] = "false",
        });

        Assert.True(catalog.TryGet("github", out var provider));
        Assert.True(catalog.TryGet("GITHUB", out _));
        Assert.Equal("github", provider.Name);
        Assert.True(provider.IsBuiltIn);
        Assert.Equal("GitHub Enterprise", provider.DisplayName);
        Assert.Equal("https://ghe.example.com/login/oauth/access_token", provider.Descriptor.TokenEndpoint);
        Assert.Equal(GitHubProvider.Descriptor.AuthorizationEndpoint, provider.Descriptor.AuthorizationEndpoint);
        Assert.False(provider.Descriptor.UsePkce);
        Assert.Equal(["repo"], provider.Scopes);
        Assert.Equal("false", provider.Descriptor.AuthorizationParameters["allow_signup"]);
        Assert.Equal(RevocationMethod.GitHubApplicationGrant, provider.Descriptor.Revocation);
        Assert.Same(StandardRefreshStrategy.Instance, provider.Descriptor.RefreshStrategy);
        Assert.Equal("OAuth2Capture.github", provider.HttpClientName);
    }

    [Fact]
    public void Catalog_with_authorize_parameters_merges_them_and_options_win()
    {
        var provider = TestProviders.Create("youtube", options => options.AuthorizationParameters["prompt"] = "select_account consent");

        Assert.Equal("select_account consent", provider.Descriptor.AuthorizationParameters["prompt"]);
        Assert.Equal("offline", provider.Descriptor.AuthorizationParameters["access_type"]);
        Assert.Equal("true", provider.Descriptor.AuthorizationParameters["include_granted_scopes"]);
        Assert.Equal(YouTubeProvider.Descriptor.DefaultScopes, provider.Scopes);
    }

    [Fact]
    public void Catalog_with_generic_provider_builds_it_from_configuration_alone()
    {
        var catalog = CreateCatalog(new Dictionary<string, string?>
        {
            ["OAuth2Capture:Providers:Acme:ClientId"] = "id",
            ["OAuth2Capture:Providers:Acme:ClientSecret"] = "secret",
            ["OAuth2Capture:Providers:Acme:AuthorizationEndpoint"] = "https://acme.example/authorize",
            ["OAuth2Capture:Providers:Acme:TokenEndpoint"] = "https://acme.example/token",
            ["OAuth2Capture:Providers:Acme:RevocationEndpoint"] = "https://acme.example/revoke",
            ["OAuth2Capture:Providers:Acme:ClientAuthentication"] = "BasicHeader",
            ["OAuth2Capture:Providers:Acme:RefreshStrategy"] = "none",
            ["OAuth2Capture:Providers:Acme:Scopes:0"] = "read",
            ["OAuth2Capture:Providers:Acme:Scopes:1"] = "offline_access",
        });

        var provider = Assert.Single(catalog.All);
        Assert.True(catalog.TryGet("acme", out var same));
        Assert.Same(provider, same);
        Assert.Equal("acme", provider.Name);
        Assert.Equal("Acme", provider.DisplayName);
        Assert.False(provider.IsBuiltIn);
        Assert.Equal("https://acme.example/authorize", provider.Descriptor.AuthorizationEndpoint);
        Assert.Equal("https://acme.example/token", provider.Descriptor.TokenEndpoint);
        Assert.True(provider.Descriptor.UsePkce);
        Assert.Equal(ClientAuthenticationMethod.BasicHeader, provider.Descriptor.ClientAuthentication);
        Assert.Equal(RevocationMethod.Rfc7009, provider.Descriptor.Revocation);
        Assert.Same(NoRefreshStrategy.Instance, provider.Descriptor.RefreshStrategy);
        Assert.Equal("sub", provider.Descriptor.UserIdJsonPath);
        Assert.Equal("name", provider.Descriptor.DisplayNameJsonPath);
        Assert.Equal(["read", "offline_access"], provider.Scopes);
    }

    [Fact]
    public void Catalog_with_generic_provider_defaults_to_standard_refresh_and_no_revocation()
    {
        var provider = TestProviders.Create("acme", options =>
        {
            options.AuthorizationEndpoint = "https://acme.example/authorize";
            options.TokenEndpoint = "https://acme.example/token";
        });

        Assert.Same(StandardRefreshStrategy.Instance, provider.Descriptor.RefreshStrategy);
        Assert.Equal(RevocationMethod.None, provider.Descriptor.Revocation);
        Assert.Equal(ClientAuthenticationMethod.RequestBody, provider.Descriptor.ClientAuthentication);
        Assert.Empty(provider.Scopes);
    }

    [Fact]
    public void Catalog_with_no_providers_is_empty()
    {
        var catalog = CreateCatalog(new Dictionary<string, string?> { ["OAuth2Capture:PathPrefix"] = "/oauth2" });

        Assert.Empty(catalog.All);
        Assert.False(catalog.TryGet("github", out _));
    }

    [Fact]
    public void Startup_with_generic_provider_missing_TokenEndpoint_fails_naming_the_key()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => CreateCatalog(new Dictionary<string, string?>
        {
            ["OAuth2Capture:Providers:acme:ClientId"] = "id",
            ["OAuth2Capture:Providers:acme:ClientSecret"] = "secret",
            ["OAuth2Capture:Providers:acme:AuthorizationEndpoint"] = "https://acme.example/authorize",
        }));

        Assert.Contains("OAuth2Capture:Providers:acme:TokenEndpoint is required for the generic provider 'acme'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binding_with_misspelt_key_throws()
    {
        Assert.Throws<InvalidOperationException>(() => CreateCatalog(new Dictionary<string, string?>
        {
            ["OAuth2Capture:Providers:github:ClientId"] = "id",
            ["OAuth2Capture:Providers:github:ClientSecrett"] = "secret",
        }));
    }

    [Fact]
    public void BuiltInProviders_lookup_is_case_insensitive_and_names_are_lower_case()
    {
        Assert.True(BuiltInProviders.TryGet("YouTube", out var youtube));
        Assert.Same(YouTubeProvider.Descriptor, youtube);
        Assert.Equal(7, BuiltInProviders.All.Count);
        Assert.All(BuiltInProviders.All, descriptor => Assert.Equal(descriptor.Name.ToLowerInvariant(), descriptor.Name));
        Assert.False(BuiltInProviders.TryGet("acme", out _));
    }

    internal static IOAuthProviderCatalog CreateCatalog(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOptions<OAuth2CaptureOptions>().Bind(configuration.GetSection(OAuth2CaptureDefaults.ConfigurationSection), o => o.ErrorOnUnknownConfiguration = true);
        services.AddSingleton<IValidateOptions<OAuth2CaptureOptions>, OAuth2CaptureOptionsValidator>();
        services.AddSingleton<IOAuthProviderCatalog, OAuthProviderCatalog>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOAuthProviderCatalog>();
    }
}

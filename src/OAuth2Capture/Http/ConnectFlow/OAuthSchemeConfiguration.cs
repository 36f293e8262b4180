using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>
/// One framework OAuth scheme per configured provider (<c>OAuth2Capture.{provider}</c>), whatever providers the
/// configuration holds: the framework does state, correlation cookie, PKCE and the redirect; the events capture the
/// tokens and skip signing in.
/// </summary>
internal sealed class OAuthSchemeConfiguration(
    IOptions<OAuth2CaptureOptions> captureOptions,
    IOAuthProviderCatalog catalog,
    IHttpClientFactory httpClientFactory,
    TimeProvider time)
    : IConfigureOptions<AuthenticationOptions>, IConfigureNamedOptions<OAuth2CaptureOAuthOptions>
{
    public static string SchemeName(string provider) => OAuth2CaptureDefaults.AuthenticationSchemePrefix + provider.ToLowerInvariant();

    public void Configure(AuthenticationOptions options)
    {
        foreach (var provider in catalog.All)
        {
            var name = SchemeName(provider.Name);
            if (!options.Schemes.Any(scheme => scheme.Name == name))
            {
                options.AddScheme(name, scheme =>
                {
                    scheme.HandlerType = typeof(OAuth2CaptureOAuthHandler);
                    scheme.DisplayName = provider.DisplayName;
                });
            }
        }
    }

    public void Configure(OAuth2CaptureOAuthOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OAuth2CaptureOAuthOptions options)
    {
        if (name is null || !name.StartsWith(OAuth2CaptureDefaults.AuthenticationSchemePrefix, StringComparison.Ordinal)
            || !catalog.TryGet(name[OAuth2CaptureDefaults.AuthenticationSchemePrefix.Length..], out var provider))
        {
            return;
        }

        var descriptor = provider.Descriptor;
        options.ProviderName = provider.Name;
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        options.AuthorizationEndpoint = descriptor.AuthorizationEndpoint;
        options.TokenEndpoint = descriptor.TokenEndpoint;
        options.UserInformationEndpoint = descriptor.UserInformationEndpoint ?? string.Empty;
        options.UsePkce = descriptor.UsePkce;
        options.ScopeSeparator = descriptor.ScopeSeparator;
        options.CallbackPath = $"{captureOptions.Value.PathPrefix.TrimEnd('/')}/{provider.Name}/callback";
        options.Scope.Clear();
        foreach (var scope in provider.Scopes)
        {
            options.Scope.Add(scope);
        }

        foreach (var (key, value) in descriptor.AuthorizationParameters)
        {
            options.AdditionalAuthorizationParameters[key] = value;
        }

        options.SaveTokens = false;
        options.Backchannel = httpClientFactory.CreateClient(provider.HttpClientName);
        options.TimeProvider = time;
        options.EventsType = typeof(ConnectFlowEvents);

        // The callback is a top-level GET redirect from the provider, which Lax cookies survive; Lax also works on
        // plain-HTTP loopback during development, where SameSite=None (which requires Secure) would not.
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    }
}

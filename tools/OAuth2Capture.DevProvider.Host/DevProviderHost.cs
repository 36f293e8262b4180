using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OAuth2Capture.DevProvider.Internal;

namespace OAuth2Capture.DevProvider.Host;

/// <summary>
/// The DevProvider on its own Kestrel host, configured from the command line or the <c>DevProvider</c> section
/// (<see cref="DevProviderOptions"/>): <c>--redirect-uri</c> (repeatable as <c>DevProvider:RedirectUris:1</c> …),
/// <c>--client-id</c>, <c>--client-secret</c>, <c>--auto-approve</c>, <c>--urls</c>. A person approves on its consent page,
/// as <c>alice</c> unless the authorize request carries <c>login_hint</c>.
/// </summary>
public static class DevProviderHost
{
    /// <summary>Where it listens unless <c>--urls</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5099";

    /// <summary>The redirect URI registered unless <c>--redirect-uri</c> says otherwise: an app from <c>dotnet new web</c> on its HTTPS port, with the provider named <c>dev</c>.</summary>
    public const string DefaultRedirectUri = "https://localhost:5001/oauth2/dev/callback";

    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--redirect-uri"] = "DevProvider:RedirectUris:0",
        ["--client-id"] = "DevProvider:ClientId",
        ["--client-secret"] = "DevProvider:ClientSecret",
        ["--auto-approve"] = "DevProvider:AutoApprove",
        ["--user"] = "DevProvider:DefaultUser",
    };

    /// <summary>Builds the host; <see cref="Describe"/> says how to use it once it listens.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The app, not started.</returns>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DevProviderServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddCommandLine(args, Switches);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        if (builder.Configuration["urls"] is null)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var options = new DevProviderOptions { AutoApprove = false };
        options.RedirectUris.Clear();
        builder.Configuration.GetSection("DevProvider").Bind(options);
        if (options.RedirectUris.Count == 0)
        {
            options.RedirectUris.Add(new Uri(DefaultRedirectUri));
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddOAuth2CaptureDevProvider(options);
        var app = builder.Build();
        app.UseOAuth2CaptureDevProvider();
        return app;
    }

    /// <summary>What to paste into the app's configuration, and the control API, for the running host.</summary>
    /// <param name="app">The started app.</param>
    /// <returns>The text.</returns>
    public static string Describe(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<DevProviderOptions>();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        string Url(string path) => $"{address}/{path}";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"DevProvider listening on {address} (Ctrl+C stops it; everything is in memory).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Registered redirect URI(s): {string.Join(", ", options.RedirectUris)}");
        text.AppendLine();
        text.AppendLine("Your app's appsettings.Development.json (the provider name must match the redirect URI's):");
        text.AppendLine(CultureInfo.InvariantCulture, $$"""
            "OAuth2Capture": {
              "Providers": {
                "dev": {
                  "DisplayName": "DevProvider",
                  "ClientId": "{{options.ClientId}}",
                  "ClientSecret": "{{options.ClientSecret}}",
                  "AuthorizationEndpoint": "{{Url(DevProviderPaths.Authorization)}}",
                  "TokenEndpoint": "{{Url(DevProviderPaths.Token)}}",
                  "UserInformationEndpoint": "{{Url(DevProviderPaths.UserInfo)}}",
                  "RevocationEndpoint": "{{Url(DevProviderPaths.Revocation)}}",
                  "IntrospectionEndpoint": "{{Url(DevProviderPaths.Introspection)}}",
                  "Scopes": [ "openid", "profile", "offline_access", "read" ]
                }
              }
            }
            """);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Break things (POST, from this machine only): {Url(DevProviderPaths.Control)}/users/alice/revoke, .../users/alice/expire-refresh-tokens,");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {Url(DevProviderPaths.Control)}/faults/token?kind=ServiceUnavailable&count=3, {Url(DevProviderPaths.Control)}/lifetimes?accessToken=60, {Url(DevProviderPaths.Control)}/reset;");
        text.AppendLine(CultureInfo.InvariantCulture, $"counts at GET {Url(DevProviderPaths.Control)}/stats. The provider's API: {Url(DevProviderPaths.Api)}/me, {Url(DevProviderPaths.Api)}/posts.");
        return text.ToString();
    }
}

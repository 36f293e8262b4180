using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Examples;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Docs;

/// <summary>
/// An app built the way docs/getting-started.md says (configuration section only, <see cref="GettingStarted"/>), with
/// every example of docs/examples mapped, against a running DevProvider configured twice, as providers <c>dev</c> and
/// <c>devtwo</c>, plus <c>github</c> (credentials only, never called). Cookie sign-in at <c>/login?user=…</c>.
/// </summary>
internal sealed class ExamplesAppHarness : IAsyncDisposable
{
    public const string Dev = "dev";
    public const string DevTwo = "devtwo";

    private readonly WebApplication app;
    private readonly string databasePath;

    private ExamplesAppHarness(WebApplication app, string databasePath, DevProviderServer provider, ShiftableTimeProvider clock)
    {
        this.app = app;
        this.databasePath = databasePath;
        Provider = provider;
        Clock = clock;
    }

    public DevProviderServer Provider { get; }

    public ShiftableTimeProvider Clock { get; }

    public Uri BaseUri { get; private set; } = null!;

    public IServiceProvider Services => app.Services;

    public Uri Url(string relative) => new(BaseUri, relative);

    public static async Task<ExamplesAppHarness> StartAsync(DevProviderServer provider)
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"oauth2capture-docs-{Guid.NewGuid():N}.db");
        var clock = new ShiftableTimeProvider();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(Configuration(provider, databasePath));
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddControllersWithViews().AddApplicationPart(typeof(IssuesController).Assembly); // TempData; the example controller
        builder.AddAppSignIn();
        builder.Services.AddSingleton<ScheduledPosts>();
        builder.Services.AddProviderApiClient(provider.BaseUri, Dev);

        builder.AddConnectedAccounts();
        builder.Services.AddOAuth2Capture().AddEvents<PublishParkedPostOnReconnect>();

        var app = builder.Build();
        app.UseConnectedAccounts();
        app.UseAntiforgery();
        app.MapRepositoriesPage(Dev);
        app.MapScheduledPosts(Dev);
        app.MapConnectionWarnings();
        app.MapCrossPost(Dev, DevTwo, "github");
        app.MapIssuesApi();
        app.MapBannerApi();
        app.MapControllers();
        app.MapProfileApi("api/me");
        app.MapMyProfile(Dev, new Uri(provider.BaseUri, "api/me"));
        app.MapGet("/login", async (HttpContext context, string user, string? returnUrl) =>
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
            return Results.Redirect(returnUrl is not null && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") ? returnUrl : "/");
        });
        app.MapGet("/", () => "home");
        app.MapGet("/antiforgery", (HttpContext context, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery)
            => antiforgery.GetAndStoreTokens(context).RequestToken);

        await app.StartAsync();
        var harness = new ExamplesAppHarness(app, databasePath, provider, clock);
        harness.BaseUri = new Uri(app.Urls.First() + "/");
        await provider.RegisterClientAsync(new DevClient
        {
            ClientId = provider.Options.ClientId,
            ClientSecret = provider.Options.ClientSecret,
            RedirectUris = { harness.Url($"/oauth2/{Dev}/callback"), harness.Url($"/oauth2/{DevTwo}/callback") },
        });
        return harness;
    }

    /// <summary>The <c>OAuth2Capture</c> section, as an app's appsettings.json would carry it.</summary>
    private static Dictionary<string, string?> Configuration(DevProviderServer provider, string databasePath)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OAuth2Capture:Store:ConnectionString"] = $"Data Source={databasePath};Pooling=False",
            ["OAuth2Capture:Resilience:RetryDelay"] = "00:00:00.020",
            ["OAuth2Capture:Resilience:AttemptTimeout"] = "00:00:02",
            ["OAuth2Capture:Resilience:TotalTimeout"] = "00:00:06",
            ["OAuth2Capture:Resilience:CircuitBreakerMinimumThroughput"] = "1000",
            ["OAuth2Capture:Providers:github:ClientId"] = "github-client-id",
            ["OAuth2Capture:Providers:github:ClientSecret"] = "github-client-secret",
        };
        foreach (var name in new[] { Dev, DevTwo })
        {
            var key = $"OAuth2Capture:Providers:{name}";
            settings[$"{key}:ClientId"] = provider.Options.ClientId;
            settings[$"{key}:ClientSecret"] = provider.Options.ClientSecret;
            settings[$"{key}:DisplayName"] = name == Dev ? "DevProvider" : "DevProvider Two";
            settings[$"{key}:AuthorizationEndpoint"] = provider.AuthorizationEndpoint.ToString();
            settings[$"{key}:TokenEndpoint"] = provider.TokenEndpoint.ToString();
            settings[$"{key}:UserInformationEndpoint"] = provider.UserInfoEndpoint.ToString();
            settings[$"{key}:RevocationEndpoint"] = provider.RevocationEndpoint.ToString();
            settings[$"{key}:IntrospectionEndpoint"] = provider.IntrospectionEndpoint.ToString();
            string[] scopes = ["openid", "profile", "offline_access", "read"];
            for (var i = 0; i < scopes.Length; i++)
            {
                settings[$"{key}:Scopes:{i.ToString(CultureInfo.InvariantCulture)}"] = scopes[i];
            }
        }

        return settings;
    }

    public async Task SignInAsync(Browser browser, string user, CancellationToken ct)
    {
        using var response = await browser.GetAsync(Url($"/login?user={user}"), ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Connects <paramref name="provider"/> in the browser, approving as <paramref name="devUser"/> at the DevProvider.</summary>
    public async Task ConnectAsync(Browser browser, string provider, string devUser, CancellationToken ct)
    {
        AsProviderUser(browser, devUser);
        using var response = await browser.GetAsync(Url($"/oauth2/{provider}/connect?returnUrl=%2F"), ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Makes the browser approve at the DevProvider as <paramref name="devUser"/>.</summary>
    public void AsProviderUser(Browser browser, string devUser)
        => browser.Rewrite = uri => uri.AbsolutePath.EndsWith("/authorize", StringComparison.Ordinal) && uri.Port == Provider.BaseUri.Port && !uri.Query.Contains("login_hint", StringComparison.Ordinal)
            ? new Uri(uri + "&login_hint=" + devUser)
            : uri;

    /// <summary>Kills the user's grant at the provider and moves the app's clock past the access token's expiry.</summary>
    public async Task KillGrantAsync(string devUser, CancellationToken ct)
    {
        await Provider.Faults.RevokeGrantAsync(devUser, ct);
        Clock.Advance(TimeSpan.FromHours(2));
    }

    public async Task<TokenResult> GetTokenAsync(string owner, string provider)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(owner, provider);
    }

    public async Task<OAuthToken> RowAsync(string owner, string provider)
    {
        await using var scope = Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindLatestAsync(owner, provider, CancellationToken.None))!;
    }

    public async Task UpdateRowAsync(OAuthToken row)
    {
        await using var scope = Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<ITokenStore>().TryUpdateAsync(row, CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(databasePath + suffix);
        }
    }
}

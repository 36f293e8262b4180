using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tests.Http;
using OAuth2Capture.Tests.Storage;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// A real ASP.NET Core app on Kestrel (<c>http://127.0.0.1:0</c>) with OAuth2Capture configured against a running
/// DevProvider (provider <c>dev</c>, as in <see cref="CaptureHarness"/>; plus a second generic provider <c>dev2</c> and the
/// built-in <c>github</c>, both only for status), MVC controllers (<see cref="FilterTestControllers"/>), minimal-API
/// endpoints (and those of <see cref="TokenExceptionEndpoints"/>), Razor Pages (Http/TokenExceptionPages.cs), <c>app.UseOAuth2Capture()</c>, a header-based test sign-in (<see cref="UserHeader"/>), a real SQLite file,
/// a shiftable clock, captured logs and a counter of the SQL commands the library's context sends.
/// </summary>
internal sealed class WebAppHarness : IAsyncDisposable
{
    public const string Provider = CaptureHarness.Provider;
    public const string SecondProvider = "dev2";
    public const string SecondDisplayName = "Dev <Two> & \"Co\"";
    public const string UserHeader = "X-Test-User";
    public const string TestScheme = "Test";

    private readonly WebApplication app;
    private readonly string databasePath;

    private WebAppHarness(WebApplication app, string databasePath, DevProviderServer dev, ShiftableTimeProvider clock, CommandCounter commands, Uri baseAddress)
    {
        this.app = app;
        this.databasePath = databasePath;
        Dev = dev;
        Clock = clock;
        Commands = commands;
        BaseAddress = baseAddress;
    }

    public DevProviderServer Dev { get; }

    public ShiftableTimeProvider Clock { get; }

    /// <summary>Counts every SQL command (reader) the library's <see cref="OAuth2CaptureDbContext"/> sends: real round trips.</summary>
    public CommandCounter Commands { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    public FakeLogCollector Logs => app.Services.GetFakeLogCollector();

    /// <param name="dev">The provider.</param>
    /// <param name="services">Adds or changes the app's services.</param>
    /// <param name="keyRing">A Data Protection key ring directory (real keys on disk, revocable through <c>IKeyManager</c>); ephemeral keys when <see langword="null"/>.</param>
    /// <param name="useOAuth2Capture">Whether the pipeline has <c>app.UseOAuth2Capture()</c> (an app may leave it out).</param>
    public static async Task<WebAppHarness> StartAsync(DevProviderServer dev, Action<IServiceCollection>? services = null, DirectoryInfo? keyRing = null, bool useOAuth2Capture = true)
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"oauth2capture-web-tests-{Guid.NewGuid():N}.db");
        var clock = new ShiftableTimeProvider();
        var commands = new CommandCounter();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(WebAppHarness).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Testing",
        });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(clock);
        UseKeyRing(builder.Services, keyRing);
        builder.Services.AddAuthentication(TestScheme).AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(TestScheme, null);
        builder.Services.AddAuthorization();
        builder.Services.AddControllersWithViews().AddApplicationPart(typeof(WebAppHarness).Assembly)
            .ConfigureApplicationPartManager(parts => parts.ApplicationParts.Add(new CompiledRazorAssemblyPart(typeof(WebAppHarness).Assembly)));
        builder.Services.AddRazorPages();
        builder.Services.AddOAuth2Capture(options =>
        {
            DevProviderTestSettings.Apply(options, dev, databasePath);
            options.Providers[Provider] = DevProviderTestSettings.Provider(dev, "DevProvider", ["openid", "profile", "offline_access", "read", "write"]);
            options.Providers[SecondProvider] = DevProviderTestSettings.Provider(dev, SecondDisplayName, ["openid", "offline_access", "read"]);
            options.Providers["github"] = new OAuthProviderOptions { ClientId = "gh-client", ClientSecret = "gh-secret", Scopes = ["repo"] };
        });
        builder.Services.ConfigureDbContext<OAuth2CaptureDbContext>(options => options.AddInterceptors(commands));
        builder.Services.AddHttpClient(TokenExceptionEndpoints.ApiClient, http => http.BaseAddress = dev.BaseUri).AddOAuth2CaptureToken(Provider);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        if (useOAuth2Capture)
        {
            app.UseOAuth2Capture();
        }

        app.MapControllers();
        app.MapRazorPages();
        MapMinimalEndpoints(app);
        TokenExceptionEndpoints.Map(app, dev.UserInfoEndpoint);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new WebAppHarness(app, databasePath, dev, clock, commands, new Uri(address + "/"));
    }

    /// <summary>A browser: asks for HTML, keeps cookies (TempData), follows no redirects.</summary>
    public HttpClient Browser(string? user = "user-1")
    {
        var client = CreateClient(user);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return client;
    }

    /// <summary>An API client: asks for JSON.</summary>
    public HttpClient Api(string? user = "user-1")
    {
        var client = CreateClient(user);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Runs the code flow at the DevProvider for <paramref name="devUser"/> and stores the tokens as <paramref name="owner"/>'s connection (as <see cref="CaptureHarness.ConnectAsync"/>).</summary>
    public async Task<(Guid Id, TokenResponse Tokens)> ConnectAsync(string owner, string devUser, CancellationToken cancellationToken = default)
    {
        var tokens = await DevProviderFlow.ObtainTokensAsync(Dev, devUser, cancellationToken);
        var now = Clock.GetUtcNow();
        var row = new OAuthToken
        {
            Id = Guid.NewGuid(),
            OwnerId = owner,
            Provider = Provider,
            ProviderUserId = devUser,
            DisplayName = devUser,
            EncryptedAccessToken = Protect(tokens.AccessToken),
            EncryptedRefreshToken = tokens.RefreshToken is null ? null : Protect(tokens.RefreshToken),
            AccessTokenExpiresAt = now.AddSeconds(tokens.ExpiresIn),
            TokenType = tokens.TokenType,
            Scope = tokens.Scope,
            CreatedAt = now,
            UpdatedAt = now,
            AuthorizedAt = now,
        };
        await SeedAsync(row, cancellationToken);
        return (row.Id, tokens);
    }

    /// <summary>
    /// What a reconnect's callback does: fresh tokens from the DevProvider stored in place on the existing row, its re-auth
    /// status cleared and <see cref="OAuthToken.AuthorizedAt"/> set to now. <paramref name="accessTokenExpiresAt"/> overrides
    /// the stored expiry (to play a skewed clock).
    /// </summary>
    public async Task ReconnectAsync(Guid id, string devUser, DateTimeOffset? accessTokenExpiresAt = null, CancellationToken cancellationToken = default)
    {
        var tokens = await DevProviderFlow.ObtainTokensAsync(Dev, devUser, cancellationToken);
        await using var scope = Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var row = await store.FindByIdAsync(id, cancellationToken) ?? throw new InvalidOperationException("No such row.");
        var now = Clock.GetUtcNow();
        row.EncryptedAccessToken = Protect(tokens.AccessToken);
        row.EncryptedRefreshToken = tokens.RefreshToken is null ? null : Protect(tokens.RefreshToken);
        row.AccessTokenExpiresAt = accessTokenExpiresAt ?? now.AddSeconds(tokens.ExpiresIn);
        row.Status = ConnectionHealth.Active;
        row.ReauthReason = OAuth2Capture.ReauthReason.None;
        row.LastError = null;
        row.LastErrorAt = null;
        row.AuthorizedAt = now;
        row.UpdatedAt = now;
        if (!await store.TryUpdateAsync(row, cancellationToken))
        {
            throw new InvalidOperationException("The reconnect lost a write race.");
        }
    }

    public async Task SeedAsync(OAuthToken row, CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync(row, cancellationToken);
    }

    public async Task<OAuthToken?> ReadRowAsync(Guid id)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindByIdAsync(id, CancellationToken.None);
    }

    public string Protect(string value) => Services.GetRequiredService<ITokenProtector>().Protect(value);

    /// <summary>Moves the app's clock past the access token's expiry (the DevProvider issues one-hour tokens).</summary>
    public void ExpireAccessTokens() => Clock.Advance(TimeSpan.FromHours(2));

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

    private HttpClient CreateClient(string? user)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add(UserHeader, user);
        }

        return client;
    }

    /// <summary>Ephemeral keys, or a real key ring in <paramref name="keyRing"/> (as an app with persisted keys has).</summary>
    internal static void UseKeyRing(IServiceCollection services, DirectoryInfo? keyRing)
    {
        if (keyRing is null)
        {
            services.AddDataProtection().UseEphemeralDataProtectionProvider();
        }
        else
        {
            services.AddDataProtection().SetApplicationName("oauth2capture-tests").PersistKeysToFileSystem(keyRing);
        }
    }

    private static void MapMinimalEndpoints(WebApplication app)
    {
        app.MapGet("/api/repos", (HttpContext context) => TokenAnswer(context)).RequireOAuthToken(Provider);
        app.MapGet("/api/repos/write", (HttpContext context) => TokenAnswer(context)).RequireOAuthToken(Provider, "write");
        app.MapGet("/api/custom", (HttpContext context) => TokenAnswer(context))
            .RequireOAuthToken(new RequireOAuthTokenAttribute(Provider) { RedirectTo = "~/why-reconnect" });

        // Reads the status feature twice (the second read must not query again).
        app.MapGet("/status", async (HttpContext context) =>
        {
            var feature = context.GetOAuthStatus();
            if (feature is null)
            {
                return Results.Json(new { installed = false });
            }

            var providers = await feature.GetProvidersAsync(context.RequestAborted);
            var again = await feature.GetProviderAsync(Provider, context.RequestAborted);
            return Results.Json(new { installed = true, owner = feature.OwnerId, providers, sameInstance = ReferenceEquals(again, providers.First(p => p.Provider == Provider)) });
        });

        // Signed in, feature installed, never read.
        app.MapGet("/noop", (HttpContext context) => Results.Text(context.GetOAuthStatus() is null ? "none" : "installed"));
    }

    private static IResult TokenAnswer(HttpContext context)
    {
        var token = context.GetOAuthToken(Provider);
        return Results.Json(new TokenAnswerBody(token?.Status.ToString(), token?.AccessToken, token?.Scope));
    }
}

/// <summary>What the test endpoints answer on success.</summary>
public sealed record TokenAnswerBody(string? Status, string? AccessToken, string? Scope);

/// <summary>Signs in whoever the <see cref="WebAppHarness.UserHeader"/> header names; challenges with a recognisable 401.</summary>
internal sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers[WebAppHarness.UserHeader].ToString();
        if (string.IsNullOrEmpty(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers["X-Test-Challenge"] = Scheme.Name;
        return Task.CompletedTask;
    }
}

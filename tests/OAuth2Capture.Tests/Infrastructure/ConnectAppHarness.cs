using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// A small app on Kestrel (127.0.0.1, free port) with cookie sign-in (<c>/login?user=…</c>), OAuth2Capture mapped under
/// <c>/oauth2</c> with the DevProvider as provider <c>dev</c>, a SQLite file, and a few pages that use tokens:
/// <c>/use</c> (calls the service; sends the user to re-auth with the current URL), <c>/posts</c> (parks a post as a
/// pending action when the token is dead and publishes it after the reconnect).
/// </summary>
internal sealed class ConnectAppHarness : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string databasePath;

    private ConnectAppHarness(WebApplication app, string databasePath, DevProviderServer dev, ShiftableTimeProvider clock, PostBoard posts)
    {
        this.app = app;
        this.databasePath = databasePath;
        Dev = dev;
        Clock = clock;
        Posts = posts;
    }

    public DevProviderServer Dev { get; }

    public ShiftableTimeProvider Clock { get; }

    public PostBoard Posts { get; }

    public Uri BaseUri { get; private set; } = null!;

    public IServiceProvider Services => app.Services;

    public Uri Url(string relative) => new(BaseUri, relative);

    /// <param name="dev">The provider.</param>
    /// <param name="configure">Changes the library's options.</param>
    /// <param name="namesDefaultScheme">
    /// False for the common <c>AddAuthentication().AddCookie()</c>, which names no default scheme and relies on the
    /// framework making the lone scheme the default.
    /// </param>
    /// <param name="services">Adds or changes the app's services.</param>
    /// <param name="keyRing">A Data Protection key ring directory; ephemeral keys when <see langword="null"/>.</param>
    /// <param name="endpoints">Maps the test's own endpoints.</param>
    public static async Task<ConnectAppHarness> StartAsync(DevProviderServer dev, Action<OAuth2CaptureOptions>? configure = null, bool namesDefaultScheme = true, Action<IServiceCollection>? services = null, DirectoryInfo? keyRing = null, Action<WebApplication>? endpoints = null)
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"oauth2capture-web-{Guid.NewGuid():N}.db");
        var clock = new ShiftableTimeProvider();
        var posts = new PostBoard();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(posts);
        WebAppHarness.UseKeyRing(builder.Services, keyRing);
        builder.Services.AddControllersWithViews(); // TempData, for the one-time messages
        (namesDefaultScheme ? builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme) : builder.Services.AddAuthentication())
            .AddCookie(options => options.LoginPath = "/login");
        builder.Services.AddOAuth2Capture(options =>
        {
            DevProviderTestSettings.Apply(options, dev, databasePath);
            options.Events.OnConnectionCaptured = context =>
            {
                if (context.PendingAction is { } action && action.StartsWith("post:", StringComparison.Ordinal)
                    && context.HttpContext.RequestServices.GetRequiredService<PostBoard>().Publish(context.OwnerId, action[5..]))
                {
                    context.Message = $"Your {context.ProviderDisplayName} account is reconnected and your post was published.";
                }

                return Task.CompletedTask;
            };
            configure?.Invoke(options);
        });
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOAuth2Capture();
        app.MapGet("/login", async (HttpContext context, string user, string? returnUrl) =>
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
            return Results.Redirect(returnUrl is not null && returnUrl.StartsWith('/') ? returnUrl : "/");
        });
        app.MapGet("/", () => "home");
        app.MapGet("/whoami", (HttpContext context) => $"{context.User.Identity?.IsAuthenticated}|{context.User.Identity?.Name}");
        app.MapGet("/page", (HttpContext context, Microsoft.AspNetCore.Mvc.ViewFeatures.ITempDataDictionaryFactory tempData)
            => $"page|{tempData.GetTempData(context)[FlashMessage.Key]}");
        app.MapGet("/use", async (HttpContext context, ITokenValidityService tokens) =>
        {
            var owner = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var result = await tokens.GetValidTokenAsync(owner, CaptureHarness.Provider, context.RequestAborted);
            return result.Succeeded
                ? Results.Text($"used|{result.Status}")
                : Results.Redirect(context.GetConnectUrl(CaptureHarness.Provider, context.GetCurrentLocalUrl()));
        }).RequireAuthorization();
        app.MapPost("/posts", async (HttpContext context, ITokenValidityService tokens, PostBoard board) =>
        {
            var owner = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var id = board.Park(owner, form["text"].ToString());
            var result = await tokens.GetValidTokenAsync(owner, CaptureHarness.Provider, context.RequestAborted);
            if (result.Succeeded)
            {
                board.Publish(owner, id);
                return Results.Redirect("/posts/done");
            }

            return Results.Redirect(context.GetConnectUrl(CaptureHarness.Provider, "/posts/done", "post:" + id));
        }).RequireAuthorization().DisableAntiforgery();
        app.MapGet("/posts/done", (HttpContext context, Microsoft.AspNetCore.Mvc.ViewFeatures.ITempDataDictionaryFactory tempData)
            => $"done|{tempData.GetTempData(context)[FlashMessage.Key]}");
        app.MapGet("/antiforgery", (HttpContext context, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery)
            => antiforgery.GetAndStoreTokens(context).RequestToken);
        endpoints?.Invoke(app);

        await app.StartAsync();
        var harness = new ConnectAppHarness(app, databasePath, dev, clock, posts);
        harness.BaseUri = new Uri(app.Urls.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/");
        await dev.RegisterClientAsync(new DevClient
        {
            ClientId = dev.Options.ClientId,
            ClientSecret = dev.Options.ClientSecret,
            RedirectUris = { harness.Url("/oauth2/dev/callback") },
        });
        return harness;
    }

    /// <summary>Signs the browser in to the app as <paramref name="user"/>.</summary>
    public async Task SignInAsync(Browser browser, string user, CancellationToken ct)
    {
        using var response = await browser.GetAsync(Url($"/login?user={user}"), ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Connects the provider in the browser, approving as <paramref name="devUser"/> at the DevProvider.</summary>
    public async Task<HttpResponseMessage> ConnectAsync(Browser browser, string devUser, string returnUrl, CancellationToken ct)
    {
        AsProviderUser(browser, devUser);
        return await browser.GetAsync(Url($"/oauth2/dev/connect?returnUrl={Uri.EscapeDataString(returnUrl)}"), ct);
    }

    /// <summary>
    /// Starts a connect as <paramref name="devUser"/> and follows it to the callback without calling it, so a test can change
    /// something first (the browser must be signed in). Returns the callback URL, code and state included.
    /// </summary>
    public async Task<Uri> StopAtCallbackAsync(Browser browser, string devUser, CancellationToken ct)
    {
        AsProviderUser(browser, devUser);
        var url = Url("/oauth2/dev/connect?returnUrl=%2Fpage");
        for (var hop = 0; hop < 5; hop++)
        {
            using var response = await browser.GetOnceAsync(url, ct);
            if (response.StatusCode != System.Net.HttpStatusCode.Found || response.Headers.Location is not { } location)
            {
                throw new InvalidOperationException($"The connect flow stopped at {url} with {(int)response.StatusCode} before the callback.");
            }

            url = new Uri(url, location);
            if (url.AbsolutePath == "/oauth2/dev/callback")
            {
                return url;
            }
        }

        throw new InvalidOperationException("The flow never reached the callback.");
    }

    /// <summary>Makes the browser approve at the DevProvider as <paramref name="devUser"/> (adds <c>login_hint</c> to the authorize request).</summary>
    public void AsProviderUser(Browser browser, string devUser)
        => browser.Rewrite = uri => uri.AbsolutePath.EndsWith("/authorize", StringComparison.Ordinal) && uri.Port == Dev.BaseUri.Port && !uri.Query.Contains("login_hint", StringComparison.Ordinal)
            ? new Uri(uri + "&login_hint=" + devUser)
            : uri;

    public async Task<List<OAuthToken>> ConnectionsOfAsync(string owner)
    {
        await using var scope = Services.CreateAsyncScope();
        return [.. await scope.ServiceProvider.GetRequiredService<ITokenStore>().ListByOwnerAsync(owner, CancellationToken.None)];
    }

    public async Task<TokenResult> GetTokenAsync(string owner)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(owner, CaptureHarness.Provider);
    }

    /// <summary>Kills the user's grant at the provider and lets the app notice (access token past expiry).</summary>
    public async Task KillGrantAsync(string devUser, string owner)
    {
        await Dev.Faults.RevokeGrantAsync(devUser);
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(TokenStatus.ReauthRequired, (await GetTokenAsync(owner)).Status);
    }

    public string DatabasePath => databasePath;

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

/// <summary>The test app's posts: parked while a connection is dead, published once after the reconnect.</summary>
internal sealed class PostBoard
{
    private readonly Dictionary<string, (string Owner, string Text, int Published)> posts = [];

    public string Park(string owner, string text)
    {
        lock (posts)
        {
            var id = (posts.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            posts[id] = (owner, text, 0);
            return id;
        }
    }

    public bool Publish(string owner, string id)
    {
        lock (posts)
        {
            if (!posts.TryGetValue(id, out var post) || post.Owner != owner || post.Published > 0)
            {
                return false;
            }

            posts[id] = post with { Published = 1 };
            return true;
        }
    }

    public int PublishedCount(string text)
    {
        lock (posts)
        {
            return posts.Values.Where(p => p.Text == text).Sum(p => p.Published);
        }
    }
}

using System.Net;
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
using OAuth2Capture.Examples;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Docs;

// <snippet:testing-clock>
/// <summary>The real clock moved by an offset: token expiry can be jumped over while timers (retries, timeouts) stay real.</summary>
public sealed class MovableClock : TimeProvider
{
    private TimeSpan offset;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;

    /// <summary>Moves the clock forward.</summary>
    /// <param name="by">How far.</param>
    public void Advance(TimeSpan by) => offset += by;
}
// </snippet:testing-clock>

/// <summary>The xunit example of docs/testing.md: an app's re-auth flow against the DevProvider, with a movable clock.</summary>
public sealed class TestingGuideExampleTests
{
    // <snippet:testing-xunit>
    [Fact]
    public async Task Revoked_connection_sends_the_user_to_reconnect_and_back_to_the_page()
    {
        var ct = TestContext.Current.CancellationToken;

        // A real OAuth 2.0 server on 127.0.0.1 with fault switches; it approves at once as "alice".
        await using var provider = await DevProviderServer.StartAsync(cancellationToken: ct);

        // The app under test: its own sign-in, OAuth2Capture with the DevProvider as the generic provider "dev".
        var clock = new MovableClock();
        var database = Path.Combine(Path.GetTempPath(), $"app-tests-{Guid.NewGuid():N}.db");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization();
        builder.Services.AddOAuth2Capture(options =>
        {
            options.Store.ConnectionString = $"Data Source={database};Pooling=False";
            options.Providers["dev"] = new OAuthProviderOptions
            {
                ClientId = provider.Options.ClientId,
                ClientSecret = provider.Options.ClientSecret,
                AuthorizationEndpoint = provider.AuthorizationEndpoint.ToString(),
                TokenEndpoint = provider.TokenEndpoint.ToString(),
                UserInformationEndpoint = provider.UserInfoEndpoint.ToString(),
                Scopes = ["openid", "profile", "offline_access"],
            };
        });
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOAuth2Capture();
        app.MapGet("/login", async (HttpContext context) =>
            await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "user-1")], "test"))));
        app.MapRepositoriesPage("dev"); // the page under test: docs/examples ServiceResultExample
        await app.StartAsync(ct);
        var baseUri = new Uri(app.Urls.First() + "/");
        await provider.RegisterClientAsync(new DevClient
        {
            ClientId = provider.Options.ClientId,
            ClientSecret = provider.Options.ClientSecret,
            RedirectUris = { new Uri(baseUri, "/oauth2/dev/callback") },
        }, ct);

        // A browser: keeps cookies and follows redirects between the app and the provider.
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = baseUri };
        await browser.GetAsync(new Uri("/login", UriKind.Relative), ct);

        // First visit: not connected, so connect at the provider and come back to the page.
        var first = await browser.GetAsync(new Uri("/repositories", UriKind.Relative), ct);
        Assert.Equal("Listing your repositories (Valid).", await first.Content.ReadAsStringAsync(ct));

        // Two hours later the access token has expired: refreshed silently.
        clock.Advance(TimeSpan.FromHours(2));
        var later = await browser.GetAsync(new Uri("/repositories", UriKind.Relative), ct);
        Assert.Equal("Listing your repositories (Refreshed).", await later.Content.ReadAsStringAsync(ct));

        // The user revokes access at the provider; once the access token expires the app must send them to reconnect.
        await provider.Faults.RevokeGrantAsync("alice", ct);
        clock.Advance(TimeSpan.FromHours(2));
        var afterRevoke = await browser.GetAsync(new Uri("/repositories", UriKind.Relative), ct);
        Assert.Equal("Listing your repositories (Valid).", await afterRevoke.Content.ReadAsStringAsync(ct)); // reconnected, back on the page
        Assert.Equal("/repositories", afterRevoke.RequestMessage!.RequestUri!.AbsolutePath);

        await app.StopAsync(ct);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(database);
    }
    // </snippet:testing-xunit>

    [Fact]
    public async Task SharedKeyRing_lets_a_second_instance_decrypt_tokens_the_first_stored()
    {
        var keys = Directory.CreateTempSubdirectory("oauth2capture-keys-");
        try
        {
            static ServiceProvider Instance(DirectoryInfo keys)
            {
                var services = new ServiceCollection();
                services.AddLogging();
                services.AddSharedKeyRing(keys);
                services.AddOAuth2Capture();
                return services.BuildServiceProvider();
            }

            using var first = Instance(keys);
            using var second = Instance(keys);
            var ciphertext = first.GetRequiredService<ITokenProtector>().Protect("token-value");

            Assert.Equal("token-value", second.GetRequiredService<ITokenProtector>().Unprotect(ciphertext));
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }
}

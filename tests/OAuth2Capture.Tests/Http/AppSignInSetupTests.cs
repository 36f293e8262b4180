using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// How the app's own sign-in meets the library's OAuth schemes: the library adds one scheme per provider, which must
/// neither take the framework's lone-scheme default away from the app nor become the default of an app without a
/// sign-in (where it used to challenge and authenticate through itself until the stack overflowed).
/// </summary>
public sealed class AppSignInSetupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_app_that_names_no_default_scheme_keeps_its_lone_cookie_scheme_as_the_default_and_connects()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await ConnectAppHarness.StartAsync(dev, namesDefaultScheme: false);
        using var browser = new Browser();

        using var challenge = await browser.GetOnceAsync(app.Url("/oauth2/dev/connect?returnUrl=%2Fpage"), Ct);
        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        Assert.Equal("/login", new Uri(app.BaseUri, challenge.Headers.Location!).AbsolutePath);

        await app.SignInAsync(browser, "user-1", Ct);
        using var whoami = await browser.GetAsync(app.Url("/whoami"), Ct);
        Assert.Equal("True|user-1", await whoami.Content.ReadAsStringAsync(Ct));

        using var connected = await app.ConnectAsync(browser, "alice", "/page", Ct);
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        Assert.Equal(app.Url("/page"), browser.Hops[^1]);
        Assert.Equal(TokenStatus.Valid, (await app.GetTokenAsync("user-1")).Status);
        using var used = await browser.GetAsync(app.Url("/use"), Ct);
        Assert.Equal("used|Valid", await used.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_app_without_a_sign_in_of_its_own_fails_at_MapOAuth2Capture_naming_the_missing_call()
    {
        await using var app = BuildApp(_ => { });

        var error = Assert.Throws<InvalidOperationException>(() => app.MapOAuth2Capture());

        Assert.Contains("no authentication scheme of its own", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_without_a_sign_in_answers_requests_when_the_library_scheme_is_the_only_one()
    {
        // Without MapOAuth2Capture nothing checks the set-up; the framework then makes the provider's scheme the default,
        // and authenticating every request through it must answer "nobody", not recurse.
        await using var app = BuildApp(_ => { });
        app.UseAuthentication();
        app.MapGet("/", (Microsoft.AspNetCore.Http.HttpContext context) => $"anonymous:{context.User.Identity?.IsAuthenticated != true}");
        await app.StartAsync(Ct);
        using var client = app.GetTestClient();

        Assert.Equal("anonymous:True", await client.GetStringAsync("/", Ct));
    }

    [Fact]
    public async Task An_app_with_several_schemes_and_no_default_is_warned_at_start_up_with_event_1005()
    {
        await using var app = BuildApp(services => services.AddAuthentication().AddCookie().AddCookie("Second"));

        app.MapOAuth2Capture();

        var warning = Assert.Single(app.Services.GetFakeLogCollector().GetSnapshot(), record => record.Id.Id == 1005);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(CookieAuthenticationDefaults.AuthenticationScheme + ", Second", warning.Message, StringComparison.Ordinal);
    }

    private static WebApplication BuildApp(Action<IServiceCollection> addSignIn)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddFakeLogging();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        addSignIn(builder.Services);
        builder.Services.AddOAuth2Capture(options =>
        {
            options.Store.ConnectionString = $"Data Source=appsignin-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
            options.Providers["github"] = new() { ClientId = "cid", ClientSecret = "secret" };
        });
        return builder.Build();
    }
}

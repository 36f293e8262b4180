using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Providers;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// The exact authorize URL and code-exchange request of every built-in provider, produced by the real connect flow
/// (the framework's OAuth handler with our scheme configuration); the providers themselves are not reachable here, so
/// their token and user-info endpoints are canned replies modelled on their documentation.
/// </summary>
public sealed class BuiltInProviderConnectTests : IAsyncLifetime
{
    private static readonly string[] BuiltIns = ["twitter", "linkedin", "github", "reddit", "pinterest", "facebook", "youtube"];
    private readonly Dictionary<string, RecordingHttpMessageHandler> backchannels = BuiltIns.ToDictionary(name => name, _ => new RecordingHttpMessageHandler());
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"oauth2capture-builtin-{Guid.NewGuid():N}.db");
    private WebApplication app = null!;
    private HttpClient client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(HeaderUserHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderUserHandler>(HeaderUserHandler.SchemeName, null);
        builder.Services.AddOAuth2Capture(options =>
        {
            options.Store.ConnectionString = $"Data Source={databasePath};Pooling=False";
            foreach (var name in BuiltIns)
            {
                options.Providers[name] = new OAuthProviderOptions { ClientId = $"cid-{name}", ClientSecret = $"secret-of {name}&" };
            }

            options.Providers["reddit"].UserAgent = "web:oauth2capture-tests:1.0 (by /u/oauth2capture)";
        });
        foreach (var (name, handler) in backchannels)
        {
            builder.Services.AddHttpClient(OAuth2CaptureDefaults.HttpClientNamePrefix + name).ConfigurePrimaryHttpMessageHandler(() => handler);
        }

        app = builder.Build();
        app.UseAuthentication();
        app.MapOAuth2Capture();
        app.MapGet("/done", () => "done");
        await app.StartAsync(Ct);
        client = app.GetTestClient();
        client.DefaultRequestHeaders.Add(HeaderUserHandler.Header, "user-1");
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(databasePath);
    }

    [Theory]
    [InlineData("twitter", "https://x.com/i/oauth2/authorize", "tweet.read users.read offline.access", true, "")]
    [InlineData("linkedin", "https://www.linkedin.com/oauth/v2/authorization", "openid profile email w_member_social", false, "")]
    [InlineData("github", "https://github.com/login/oauth/authorize", "read:user", true, "")]
    [InlineData("reddit", "https://www.reddit.com/api/v1/authorize", "identity submit", false, "duration=permanent")]
    [InlineData("pinterest", "https://www.pinterest.com/oauth/", "user_accounts:read,pins:read,pins:write,boards:read", false, "")]
    [InlineData("facebook", "https://www.facebook.com/v25.0/dialog/oauth", "public_profile", false, "")]
    [InlineData("youtube", "https://accounts.google.com/o/oauth2/v2/auth", "openid profile https://www.googleapis.com/auth/youtube.upload", true, "access_type=offline&prompt=consent")]
    public async Task Connect_redirects_to_the_providers_documented_authorize_url(string provider, string endpoint, string scope, bool pkce, string extras)
    {
        using var response = await client.GetAsync($"/oauth2/{provider}/connect?returnUrl=%2Fdone", Ct);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(endpoint, location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal($"cid-{provider}", query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal($"http://localhost/oauth2/{provider}/callback", query["redirect_uri"]);
        Assert.Equal(scope, query["scope"]);
        Assert.False(string.IsNullOrEmpty(query["state"]));
        Assert.Equal(pkce, query.ContainsKey("code_challenge"));
        if (pkce)
        {
            Assert.Equal("S256", query["code_challenge_method"]);
        }

        foreach (var (key, value) in QueryHelpers.ParseQuery(extras))
        {
            Assert.Equal(value.ToString(), query[key].ToString());
        }

        // The secret never travels in the browser. Matched whole and decoded: a random state or PKCE value may hold "sec".
        Assert.DoesNotContain("secret-of", Uri.UnescapeDataString(location.Query.Replace('+', ' ')), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("twitter", true, "{\"data\":{\"id\":\"2244994945\",\"name\":\"X Dev\",\"username\":\"XDevelopers\"}}", "2244994945")]
    [InlineData("reddit", true, "{\"id\":\"t2abc\",\"name\":\"spez\"}", "t2abc")]
    [InlineData("pinterest", true, "{\"id\":\"549755885175\",\"username\":\"pinner\"}", "549755885175")]
    [InlineData("github", false, "{\"id\":583231,\"login\":\"octocat\"}", "583231")]
    [InlineData("youtube", false, "{\"sub\":\"1100\",\"name\":\"Ada\"}", "1100")]
    [InlineData("linkedin", false, "{\"sub\":\"782bbtaQ\",\"name\":\"Ada\"}", "782bbtaQ")]
    [InlineData("facebook", false, "{\"id\":\"10158\",\"name\":\"Ada\"}", "10158")]
    public async Task Callback_exchanges_the_code_with_the_providers_client_authentication_and_stores_the_account(string provider, bool basic, string userInfo, string accountId)
    {
        var backchannel = backchannels[provider]
            .Reply(HttpStatusCode.OK, "{\"access_token\":\"at-1\",\"refresh_token\":\"rt-1\",\"token_type\":\"bearer\",\"expires_in\":3600}")
            .Reply(HttpStatusCode.OK, userInfo);
        var (callback, cookies) = await StartAsync(provider);

        using var request = new HttpRequestMessage(HttpMethod.Get, callback);
        request.Headers.Add("Cookie", cookies);
        using var response = await client.SendAsync(request, Ct);

        Assert.True(HttpStatusCode.Found == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/done", response.Headers.Location!.OriginalString);
        var exchange = backchannel.Requests[0];
        Assert.Equal(HttpMethod.Post, exchange.Method);
        Assert.Equal("authorization_code", exchange.Form["grant_type"]);
        Assert.Equal("the-code", exchange.Form["code"]);
        Assert.Equal($"http://localhost/oauth2/{provider}/callback", exchange.Form["redirect_uri"]);
        Assert.Contains("application/json", exchange.Header("Accept"), StringComparison.Ordinal);
        if (basic)
        {
            // RFC 6749 §2.3.1: id and secret form-encoded, then Base64; nothing of the client in the body.
            var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes($"cid-{provider}:{Uri.EscapeDataString($"secret-of {provider}&")}"));
            Assert.Equal($"Basic {expected}", exchange.Header("Authorization"));
            Assert.False(exchange.Form.ContainsKey("client_secret"));
            Assert.False(exchange.Form.ContainsKey("client_id"));
        }
        else
        {
            Assert.Null(exchange.Header("Authorization"));
            Assert.Equal($"cid-{provider}", exchange.Form["client_id"]);
            Assert.Equal($"secret-of {provider}&", exchange.Form["client_secret"]);
        }

        if (provider == "reddit")
        {
            Assert.Equal("web:oauth2capture-tests:1.0 (by /u/oauth2capture)", exchange.Header("User-Agent"));
        }

        var profile = backchannel.Requests[1];
        Assert.Equal("Bearer at-1", profile.Header("Authorization"));
        await using var scope = app.Services.CreateAsyncScope();
        var row = Assert.Single(await scope.ServiceProvider.GetRequiredService<ITokenStore>().ListByOwnerAsync("user-1", Ct));
        Assert.Equal(provider, row.Provider);
        Assert.Equal(accountId, row.ProviderUserId);
    }

    [Fact]
    public async Task Callback_stores_the_refresh_token_lifetime_and_granted_scope_the_code_exchange_answered()
    {
        // Modelled on https://learn.microsoft.com/linkedin/shared/authentication/programmatic-refresh-tokens: a 60-day access
        // token, a 365-day refresh token, the granted scope comma-separated. (A form-encoded answer travels the same way.)
        backchannels["linkedin"]
            .Reply(HttpStatusCode.OK, "{\"access_token\":\"AQV-1\",\"expires_in\":5183999,\"refresh_token\":\"AQX-1\",\"refresh_token_expires_in\":31103999,\"scope\":\"openid,profile,w_member_social\"}")
            .Reply(HttpStatusCode.OK, "{\"sub\":\"782bbtaQ\",\"name\":\"Ada\"}");
        var (callback, cookies) = await StartAsync("linkedin");
        var before = DateTimeOffset.UtcNow;

        using var request = new HttpRequestMessage(HttpMethod.Get, callback);
        request.Headers.Add("Cookie", cookies);
        using var response = await client.SendAsync(request, Ct);

        Assert.True(HttpStatusCode.Found == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        await using var scope = app.Services.CreateAsyncScope();
        var row = Assert.Single(await scope.ServiceProvider.GetRequiredService<ITokenStore>().ListByOwnerAsync("user-1", Ct));
        Assert.Equal("openid,profile,w_member_social", row.Scope);
        Assert.Equal(before.AddSeconds(31103999), row.RefreshTokenExpiresAt!.Value, TimeSpan.FromSeconds(30));
        Assert.Equal(before.AddSeconds(5183999), row.AccessTokenExpiresAt!.Value, TimeSpan.FromSeconds(30));
        Assert.Equal("Bearer", row.TokenType);
    }

    /// <summary>Starts connecting and builds the provider's redirect back (a code and the state), with the correlation cookie.</summary>
    private async Task<(string Callback, string Cookies)> StartAsync(string provider)
    {
        using var response = await client.GetAsync($"/oauth2/{provider}/connect?returnUrl=%2Fdone", Ct);
        var state = QueryHelpers.ParseQuery(response.Headers.Location!.Query)["state"].ToString();
        var cookies = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(header => header.Split(';')[0]));
        return ($"/oauth2/{provider}/callback?code=the-code&state={Uri.EscapeDataString(state)}", cookies);
    }

    /// <summary>Signs in whoever the <c>X-Test-User</c> header names.</summary>
    private sealed class HeaderUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Header";
        public const string Header = "X-Test-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
            => Task.FromResult(Request.Headers.TryGetValue(Header, out var user)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.ToString())], SchemeName)), SchemeName))
                : AuthenticateResult.NoResult());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// Scopes in context: an endpoint or an API needs a scope the app does not configure as a base scope, and the reconnect
/// asks for the granted scopes plus the missing ones, then comes back. Real browser-like flows through the app's connect
/// endpoint and the DevProvider (which grants <c>write</c> only when asked; the app's base scopes leave it out).
/// </summary>
public sealed class ScopesInContextTests : IAsyncLifetime
{
    private const string ApiClient = "dev-api";
    private DevProviderServer dev = null!;
    private ConnectAppHarness app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await ConnectAppHarness.StartAsync(dev,
            services: services => services.AddHttpClient(ApiClient, http => http.BaseAddress = dev.BaseUri).AddOAuth2CaptureToken(CaptureHarness.Provider),
            endpoints: MapEndpoints);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Fact]
    public async Task An_endpoint_needing_an_unconfigured_scope_sends_the_browser_to_reconnect_asking_granted_plus_missing_and_back()
    {
        using var browser = await ConnectedBrowserAsync("user-1", "alice");
        var id = Assert.Single(await app.ConnectionsOfAsync("user-1")).Id;
        browser.Hops.Clear();

        using var response = await browser.GetAsync(app.Url("/issues/new"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("issue|openid profile offline_access read write", await response.Content.ReadAsStringAsync(Ct));
        var connect = Assert.Single(browser.Hops, hop => hop.AbsolutePath == "/oauth2/dev/connect");
        Assert.Contains("returnUrl=%2Fissues%2Fnew", connect.Query, StringComparison.Ordinal);
        Assert.Contains("scopes=", connect.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("write", connect.Query, StringComparison.Ordinal); // sealed, not a plain list anyone could write
        Assert.Equal(new[] { "openid", "profile", "offline_access", "read", "write" }, RequestedScopes(browser));

        // The same connection, reconnected in place, now holding the new scope; what needed less still works.
        var row = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal(id, row.Id);
        Assert.Equal(ConnectionHealth.Active, row.Status);
        Assert.Contains("write", row.Scope!.Split(' '));
        using var read = await browser.GetAsync(app.Url("/read"), Ct);
        Assert.Equal("read|Valid", await read.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_API_client_gets_403_InsufficientScope_with_a_reauthUrl_asking_for_the_scope_and_the_connection_stays_usable()
    {
        using var browser = await ConnectedBrowserAsync("user-1", "alice");
        browser.Accept = "application/json";

        using var response = await browser.GetOnceAsync(app.Url("/issues/new"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("InsufficientScope", problem.GetProperty("reason").GetString());
        var reauthUrl = problem.GetProperty("reauthUrl").GetString()!;
        Assert.StartsWith("/oauth2/dev/connect?returnUrl=%2Fissues%2Fnew&scopes=", reauthUrl, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.Active, Assert.Single(await app.ConnectionsOfAsync("user-1")).Status);
        using var read = await browser.GetAsync(app.Url("/read"), Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        // Following the reauthUrl (as the SPA would, in the browser) reconnects with the scope.
        browser.Accept = "text/html";
        browser.Hops.Clear();
        using var done = await browser.GetAsync(app.Url(reauthUrl), Ct);
        Assert.Equal("issue|openid profile offline_access read write", await done.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_403_insufficient_scope_from_the_provider_API_escaping_the_endpoint_reconnects_for_that_scope_then_the_post_goes_through()
    {
        using var browser = await ConnectedBrowserAsync("user-1", "alice");
        browser.Hops.Clear();

        using var response = await browser.GetAsync(app.Url("/publish?text=hello"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("published|", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(new[] { "openid", "profile", "offline_access", "read", "write" }, RequestedScopes(browser));
        Assert.Equal(1, dev.Stats.ApiRequestsRejected); // the first POST, answered 403 insufficient_scope
        Assert.Contains("write", Assert.Single(await app.ConnectionsOfAsync("user-1")).Scope!.Split(' '));
    }

    [Fact]
    public async Task A_scope_request_sealed_for_another_user_asks_that_user_for_nothing_extra()
    {
        using var alice = await ConnectedBrowserAsync("user-1", "alice");
        alice.Accept = "application/json";
        using var problem = await alice.GetOnceAsync(app.Url("/issues/new"), Ct);
        var reauthUrl = (await problem.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reauthUrl").GetString()!;
        using var bob = await ConnectedBrowserAsync("user-2", "bob");
        bob.Hops.Clear();

        using var response = await bob.GetAsync(app.Url(reauthUrl.Replace("%2Fissues%2Fnew", "%2Fread", StringComparison.Ordinal)), Ct);

        Assert.Equal("read|Valid", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(new[] { "openid", "profile", "offline_access", "read" }, RequestedScopes(bob));
        Assert.DoesNotContain("write", Assert.Single(await app.ConnectionsOfAsync("user-2")).Scope!.Split(' '));
    }

    [Fact]
    public async Task A_provider_answering_invalid_scope_at_the_callback_shows_an_operator_error_not_a_reconnect_and_changes_nothing()
    {
        using var browser = await ConnectedBrowserAsync("user-1", "alice");
        var before = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        var callback = await app.StopAtCallbackAsync(browser, "alice", Ct);
        var state = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        var refused = new Uri(callback, $"{callback.AbsolutePath}?error=invalid_scope&error_description=Unknown+scope+admin&state={Uri.EscapeDataString(state)}");

        using var response = await browser.GetOnceAsync(refused, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("configuration_error", page, StringComparison.Ordinal);
        Assert.Contains("Unknown scope admin", page, StringComparison.Ordinal);
        var after = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal((before.Status, before.Scope, before.AuthorizedAt), (after.Status, after.Scope, after.AuthorizedAt));
    }

    [Fact]
    public async Task A_provider_configured_without_scopes_sends_no_empty_scope_parameter()
    {
        await using var bare = await ConnectAppHarness.StartAsync(dev, options => options.Providers[CaptureHarness.Provider].Scopes = []);
        using var browser = new Browser();
        await bare.SignInAsync(browser, "user-1", Ct);

        using var challenge = await browser.GetOnceAsync(bare.Url("/oauth2/dev/connect"), Ct);

        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(challenge.Headers.Location!.Query);
        Assert.Null(query["scope"]); // RFC 6749 §3.3: optional; "scope=" is rejected by some servers
        Assert.Equal("code", query["response_type"]);
        Assert.NotNull(query["state"]);
    }

    private static void MapEndpoints(WebApplication endpoints)
    {
        endpoints.MapGet("/read", (HttpContext context) => $"read|{context.GetOAuthToken(CaptureHarness.Provider)!.Status}")
            .RequireOAuthToken(CaptureHarness.Provider);
        endpoints.MapGet("/issues/new", (HttpContext context) => $"issue|{context.GetOAuthToken(CaptureHarness.Provider)!.Scope}")
            .RequireOAuthToken(CaptureHarness.Provider, "write");

        // Straight-line app code: the handler's InsufficientScopeException becomes the reconnect.
        endpoints.MapGet("/publish", async (string text, IHttpClientFactory clients, CancellationToken cancellationToken) =>
        {
            using var answer = await clients.CreateClient(ApiClient).PostAsJsonAsync("api/posts", new { text }, cancellationToken);
            answer.EnsureSuccessStatusCode();
            return "published|" + await answer.Content.ReadAsStringAsync(cancellationToken);
        }).RequireOAuthToken(CaptureHarness.Provider);
    }

    private async Task<Browser> ConnectedBrowserAsync(string user, string devUser)
    {
        var browser = new Browser();
        await app.SignInAsync(browser, user, Ct);
        using var connected = await app.ConnectAsync(browser, devUser, "/", Ct);
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        Assert.DoesNotContain("write", Assert.Single(await app.ConnectionsOfAsync(user)).Scope!.Split(' '));
        return browser;
    }

    /// <summary>The scopes of the one authorize request the browser made since its hops were cleared.</summary>
    private string[] RequestedScopes(Browser browser)
    {
        var authorize = Assert.Single(browser.Hops, hop => hop.Port == dev.BaseUri.Port && hop.AbsolutePath.EndsWith("/authorize", StringComparison.Ordinal));
        var scope = System.Web.HttpUtility.ParseQueryString(authorize.Query)["scope"]!;
        return scope.Split(' ');
    }
}

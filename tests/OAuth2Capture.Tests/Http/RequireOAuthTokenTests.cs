using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// <c>[RequireOAuthToken]</c> (MVC controller and page-like action) and <c>.RequireOAuthToken()</c> (minimal API) in a
/// real app on Kestrel, against the DevProvider over HTTP.
/// </summary>
public sealed class RequireOAuthTokenTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;
    private WebAppHarness app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await WebAppHarness.StartAsync(dev);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Theory]
    [InlineData("repos")]
    [InlineData("api/repos")]
    public async Task Endpoint_with_a_valid_token_runs_and_reads_it_from_HttpContext_without_calling_the_provider(string path)
    {
        var (_, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        var before = dev.Stats.TokenRequests;
        using var api = app.Api();

        using var response = await api.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<TokenAnswerBody>(Ct);
        Assert.Equal("Valid", body!.Status);
        Assert.Equal(tokens.AccessToken, body.AccessToken);
        Assert.Equal(before, dev.Stats.TokenRequests);
    }

    [Fact]
    public async Task Endpoint_with_the_token_cache_on_serves_repeated_requests_without_a_store_round_trip()
    {
        await using var cached = await WebAppHarness.StartAsync(dev, services => services.Configure<OAuth2CaptureOptions>(o => o.TokenCacheDuration = TimeSpan.FromSeconds(30)));
        var (_, tokens) = await cached.ConnectAsync("user-1", "alice", Ct);
        using var api = cached.Api();
        using (var first = await api.GetAsync("api/repos", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var before = cached.Commands.Count;
        for (var i = 0; i < 5; i++)
        {
            using var response = await api.GetAsync("api/repos", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(tokens.AccessToken, (await response.Content.ReadFromJsonAsync<TokenAnswerBody>(Ct))!.AccessToken);
        }

        Assert.Equal(before, cached.Commands.Count);
    }

    [Fact]
    public async Task Endpoint_past_access_token_expiry_refreshes_transparently_and_runs()
    {
        var (_, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        using var api = app.Api();

        using var response = await api.GetAsync("api/repos", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<TokenAnswerBody>(Ct);
        Assert.Equal("Refreshed", body!.Status);
        Assert.NotEqual(tokens.AccessToken, body.AccessToken);
        Assert.Equal(1, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task Page_when_the_refresh_token_expired_redirects_a_browser_to_connect_with_the_original_url_and_the_message_in_TempData()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.ExpireRefreshTokensAsync("alice", Ct);
        app.ExpireAccessTokens();
        using var browser = app.Browser();

        using var response = await browser.GetAsync("dashboard?tab=a%20b&x=1", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/oauth2/dev/connect?returnUrl=" + Uri.EscapeDataString("/dashboard?tab=a%20b&x=1"), response.Headers.Location!.OriginalString);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith(".AspNetCore.Mvc.CookieTempDataProvider=", StringComparison.Ordinal));

        var message = await browser.GetStringAsync("message", Ct);
        Assert.Equal("Your DevProvider connection has expired. Reconnect to continue.", message);
        Assert.Equal(string.Empty, await browser.GetStringAsync("message", Ct)); // shown once
    }

    [Fact]
    public async Task Minimal_endpoint_when_the_grant_was_revoked_redirects_a_browser_with_the_revoked_message()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        app.ExpireAccessTokens();
        using var browser = app.Browser();

        using var response = await browser.GetAsync("api/repos", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fapi%2Frepos", response.Headers.Location!.OriginalString);
        Assert.Equal("Your DevProvider connection was revoked. Reconnect to continue.", await browser.GetStringAsync("message", Ct));
    }

    [Theory]
    [InlineData("repos", false)]
    [InlineData("api/repos", false)]
    [InlineData("dashboard", true)]
    public async Task Endpoint_when_the_refresh_token_expired_answers_an_api_client_403_problem_details_with_reauthUrl(string path, bool xhrFromBrowser)
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.ExpireRefreshTokensAsync("alice", Ct);
        app.ExpireAccessTokens();
        using var client = xhrFromBrowser ? app.Browser() : app.Api();
        if (xhrFromBrowser)
        {
            client.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        }

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        var reauthUrl = "/oauth2/dev/connect?returnUrl=" + Uri.EscapeDataString("/" + path);
        Assert.Equal("urn:oauth2capture:problem:reauth_required", problem.GetProperty("type").GetString());
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Equal("reauth_required", problem.GetProperty("code").GetString());
        Assert.Equal("dev", problem.GetProperty("provider").GetString());
        Assert.Equal("RefreshTokenExpired", problem.GetProperty("reason").GetString());
        Assert.Equal(reauthUrl, problem.GetProperty("reauthUrl").GetString());
        Assert.Equal("Your DevProvider connection has expired. Reconnect to continue.", problem.GetProperty("detail").GetString());
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("OAuth2Capture", challenge.Scheme);
        Assert.Contains($"reauth_uri=\"{reauthUrl}\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.ReauthRequired, (await app.ReadRowAsync(id))!.Status);
    }

    [Fact]
    public async Task Endpoint_for_a_user_who_never_connected_answers_not_connected_to_api_clients_and_redirects_browsers()
    {
        using var api = app.Api("newcomer");
        using var browser = app.Browser("newcomer");

        using var apiResponse = await api.GetAsync("api/repos", Ct);
        using var browserResponse = await browser.GetAsync("repos", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, apiResponse.StatusCode);
        var problem = await ReadJsonAsync(apiResponse);
        Assert.Equal("urn:oauth2capture:problem:not_connected", problem.GetProperty("type").GetString());
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fapi%2Frepos", problem.GetProperty("reauthUrl").GetString());
        Assert.Equal("Connect your DevProvider account to continue.", problem.GetProperty("detail").GetString());
        Assert.False(problem.TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.Redirect, browserResponse.StatusCode);
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Frepos", browserResponse.Headers.Location!.OriginalString);
        Assert.Equal("Connect your DevProvider account to continue.", await browser.GetStringAsync("message", Ct));
    }

    [Theory]
    [InlineData("repos/write")]
    [InlineData("api/repos/write")]
    public async Task Endpoint_needing_a_scope_the_stored_grant_lacks_answers_InsufficientScope_without_calling_the_provider(string path)
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct); // granted: openid profile offline_access read
        var before = dev.Stats.TokenRequests;
        using var api = app.Api();
        using var browser = app.Browser();

        using var response = await api.GetAsync(path, Ct);
        using var redirect = await browser.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("urn:oauth2capture:problem:reauth_required", problem.GetProperty("type").GetString());
        Assert.Equal("InsufficientScope", problem.GetProperty("reason").GetString());
        Assert.Equal("DevProvider needs more permissions for this. Reconnect and approve them to continue.", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(before, dev.Stats.TokenRequests);

        // The grant still serves endpoints that need less: it is not marked dead.
        Assert.Equal(ConnectionHealth.Active, (await app.ReadRowAsync(id))!.Status);
        using var ok = await api.GetAsync("repos", Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Endpoint_needing_a_scope_the_configuration_does_not_request_sends_the_user_to_reconnect_for_it_not_to_an_operator_error()
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        using var browser = app.Browser();
        using var api = app.Api();

        using var redirect = await browser.GetAsync("repos/admin", Ct);
        using var response = await api.GetAsync("repos/admin", Ct);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/oauth2/dev/connect?returnUrl=%2Frepos%2Fadmin&scopes=", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("InsufficientScope", problem.GetProperty("reason").GetString());
        Assert.Contains("&scopes=", problem.GetProperty("reauthUrl").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 1101);
        Assert.Equal(ConnectionHealth.Active, (await app.ReadRowAsync(id))!.Status);
    }

    [Fact]
    public async Task Endpoint_during_a_503_storm_answers_503_with_RetryAfter_and_no_reauth_url_to_api_clients_and_browsers()
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 1000);
        app.ExpireAccessTokens();
        using var api = app.Api();
        using var browser = app.Browser();

        using var response = await api.GetAsync("api/repos", Ct);
        using var page = await browser.GetAsync("dashboard", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("urn:oauth2capture:problem:temporarily_unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(30, problem.GetProperty("retryAfter").GetInt32());
        Assert.False(problem.TryGetProperty("reauthUrl", out _));
        Assert.Empty(response.Headers.WwwAuthenticate);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Null(page.Headers.Location);
        Assert.NotNull(page.Headers.RetryAfter);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("DevProvider is not responding right now", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Reconnect", html, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.Active, (await app.ReadRowAsync(id))!.Status);
    }

    [Fact]
    public async Task Endpoint_when_the_provider_rate_limits_beyond_the_budget_passes_its_RetryAfter_on()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.TooManyRequests, 1, TimeSpan.FromMinutes(2));
        app.ExpireAccessTokens();
        using var api = app.Api();

        using var response = await api.GetAsync("repos", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(2), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Endpoint_when_the_client_secret_is_rejected_answers_500_logs_event_1101_and_never_offers_a_reconnect()
    {
        var (_, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.RejectClientSecret = true;
        app.ExpireAccessTokens();
        using var api = app.Api();
        using var browser = app.Browser();

        using var response = await api.GetAsync("api/repos", Ct);
        using var page = await browser.GetAsync("dashboard", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:oauth2capture:problem:configuration_error", problem.GetProperty("type").GetString());
        Assert.Equal("DevProvider can't be used right now because of a problem on our side. The operators have been told; you don't need to reconnect.",
            problem.GetProperty("detail").GetString());
        Assert.False(problem.TryGetProperty("reauthUrl", out _));
        Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
        Assert.Null(page.Headers.Location);

        var logged = app.Logs.GetSnapshot().Where(r => r.Id.Id == 1101).ToList();
        Assert.NotEmpty(logged);
        Assert.All(logged, r =>
        {
            Assert.Equal(LogLevel.Error, r.Level);
            Assert.Equal("TokenConfigurationError", r.Id.Name);
            Assert.Contains("invalid_client", r.Message, StringComparison.Ordinal);
        });
        foreach (var secret in new[] { tokens.AccessToken, tokens.RefreshToken!, dev.Options.ClientSecret })
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            Assert.All(app.Logs.GetSnapshot(), r => Assert.DoesNotContain(secret, r.Message, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("repos")]
    [InlineData("api/repos")]
    [InlineData("dashboard")]
    public async Task Endpoint_for_an_anonymous_user_leaves_it_to_the_apps_authentication_challenge(string path)
    {
        using var browser = app.Browser(user: null);

        using var response = await browser.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(WebAppHarness.TestScheme, response.Headers.GetValues("X-Test-Challenge").Single());
    }

    [Theory]
    [InlineData("repos/custom")]
    [InlineData("api/custom")]
    public async Task Endpoint_with_RedirectTo_sends_browsers_there_with_the_message(string path)
    {
        using var browser = app.Browser("newcomer");

        using var response = await browser.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/why-reconnect", response.Headers.Location!.OriginalString);
        Assert.Equal("Why reconnect: Connect your DevProvider account to continue.", await browser.GetStringAsync("why-reconnect", Ct));
    }

    [Fact]
    public async Task Endpoint_when_a_connection_dies_right_after_each_of_several_reconnects_stops_redirecting_and_tells_the_operator()
    {
        // Each "reconnect" stores tokens the app believes already expired (a skewed clock) and the provider kills the
        // grant, so every reconnect is dead on arrival.
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        using var browser = app.Browser();
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await app.ReconnectAsync(id, "alice", app.Clock.GetUtcNow().AddMinutes(-1), Ct);

            await dev.Faults.RevokeGrantAsync("alice", Ct);
            using var response = await browser.GetAsync("dashboard", Ct);
            answers.Add(response.StatusCode);
            if (attempt == 2)
            {
                var html = await response.Content.ReadAsStringAsync(Ct);
                Assert.Contains("reauth_loop", html, StringComparison.Ordinal);
                Assert.DoesNotContain("/connect", html, StringComparison.Ordinal);
            }
        }

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.InternalServerError], answers);
        var log = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 1102);
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Contains("client credentials", log.Message, StringComparison.Ordinal);

        // An API caller gets the same verdict as problem details, without a reauthUrl.
        using var api = app.Api();
        using var apiResponse = await api.GetAsync("api/repos", Ct);
        var problem = await ReadJsonAsync(apiResponse);
        Assert.Equal("urn:oauth2capture:problem:reauth_loop", problem.GetProperty("type").GetString());
        Assert.False(problem.TryGetProperty("reauthUrl", out _));
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
}

using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Http;

/// <summary>The connect and re-auth flow driven like a browser: the app and the DevProvider on Kestrel, cookies, redirects.</summary>
public sealed class ConnectFlowTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;
    private ConnectAppHarness app = null!;
    private Browser browser = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await ConnectAppHarness.StartAsync(dev);
        browser = new Browser();
    }

    public async ValueTask DisposeAsync()
    {
        browser.Dispose();
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Fact]
    public async Task Connect_full_flow_stores_the_connection_encrypted_and_lands_on_the_returnUrl()
    {
        await app.SignInAsync(browser, "user-1", Ct);

        using var response = await app.ConnectAsync(browser, "alice", "/page", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(app.Url("/page"), browser.Hops[^1]);
        Assert.Equal("page|Your DevProvider account is connected.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(browser.Hops, hop => hop.Port == dev.BaseUri.Port && hop.AbsolutePath.EndsWith("/authorize", StringComparison.Ordinal));
        var row = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal("alice", row.ProviderUserId);
        Assert.Equal(ConnectionHealth.Active, row.Status);
        Assert.NotNull(row.EncryptedRefreshToken);
        Assert.Equal(TokenStatus.Valid, (await app.GetTokenAsync("user-1")).Status);
        await AssertNoTokenTextInDatabaseAsync();
    }

    [Fact]
    public async Task Connect_by_an_anonymous_user_goes_through_the_app_login_and_comes_back()
    {
        using var challenge = await browser.GetOnceAsync(app.Url("/oauth2/dev/connect?returnUrl=%2Fpage"), Ct);

        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        var login = new Uri(app.BaseUri, challenge.Headers.Location!);
        Assert.Equal("/login", login.AbsolutePath);
        var comeBack = System.Web.HttpUtility.ParseQueryString(login.Query)["ReturnUrl"];
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fpage", comeBack);

        // The user signs in on the app's login page, which sends them back to the connect URL.
        app.AsProviderUser(browser, "alice");
        using var response = await browser.GetAsync(app.Url($"/login?user=user-1&returnUrl={Uri.EscapeDataString(comeBack!)}"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(app.Url("/page"), browser.Hops[^1]);
        Assert.Single(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Reauth_after_revocation_reconnects_in_place_and_returns_to_the_original_page()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        var original = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        await app.KillGrantAsync("alice", "user-1");
        browser.Hops.Clear();

        using var response = await browser.GetAsync(app.Url("/use?x=1"), Ct);

        Assert.Equal("used|Valid", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(app.Url("/use?x=1"), browser.Hops[^1]);
        Assert.Contains(browser.Hops, hop => hop.AbsolutePath == "/oauth2/dev/connect" && hop.Query.Contains("returnUrl=%2Fuse%3Fx%3D1", StringComparison.Ordinal));
        var row = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal(original.Id, row.Id);
        Assert.Equal(ConnectionHealth.Active, row.Status);
        Assert.Equal(ReauthReason.None, row.ReauthReason);
        Assert.Null(row.LastError);
    }

    [Fact]
    public async Task Pending_action_parked_with_the_reauth_redirect_is_retried_once_after_the_callback()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        await app.KillGrantAsync("alice", "user-1");

        using var response = await browser.PostFormAsync(app.Url("/posts"), [new("text", "hello world")], Ct);

        Assert.Equal("done|Your DevProvider account is reconnected and your post was published.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, app.Posts.PublishedCount("hello world"));

        // Replaying the same connect URL (with the sealed pending action) does not publish it twice.
        var connectHop = browser.Hops.First(hop => hop.AbsolutePath == "/oauth2/dev/connect");
        (await browser.GetAsync(connectHop, Ct)).Dispose();
        Assert.Equal(1, app.Posts.PublishedCount("hello world"));
    }

    [Fact]
    public async Task Pending_action_forged_in_the_url_is_ignored()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        var parked = app.Posts.Park("user-1", "forged");

        (await browser.GetAsync(app.Url($"/oauth2/dev/connect?returnUrl=%2Fpage&pendingAction=post:{parked}"), Ct)).Dispose();

        Assert.Equal(0, app.Posts.PublishedCount("forged"));
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("http:evil.example")]
    public async Task Connect_with_a_foreign_returnUrl_lands_on_the_default_page(string returnUrl)
    {
        await app.SignInAsync(browser, "user-1", Ct);

        using var response = await app.ConnectAsync(browser, "alice", returnUrl, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(app.Url("/"), browser.Hops[^1]);
        Assert.DoesNotContain(browser.Hops, hop => hop.Host.Contains("evil", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_for_an_unknown_provider_answers_404_problem_details_for_APIs_and_a_page_for_browsers()
    {
        await app.SignInAsync(browser, "user-1", Ct);

        using var api = new HttpRequestMessage(HttpMethod.Get, app.Url("/oauth2/myspace/connect"));
        api.Headers.Add("Accept", "application/json");
        using var apiResponse = await browser.SendAsync(api, follow: false, Ct);
        using var page = await browser.GetOnceAsync(app.Url("/oauth2/myspace/connect"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, apiResponse.StatusCode);
        Assert.Equal("application/problem+json", apiResponse.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await apiResponse.Content.ReadAsStringAsync(Ct));
        Assert.Equal("urn:oauth2capture:problem:unknown_provider", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal("unknown_provider", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("does not connect to a provider named &#39;myspace&#39;", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Callback_with_tampered_state_answers_400_invalid_state_and_stores_nothing()
    {
        var callback = await StartAndStopAtCallbackAsync();
        var tampered = new Uri(callback.ToString().Replace("state=", "state=x", StringComparison.Ordinal));

        using var response = await browser.GetOnceAsync(tampered, Ct);

        await AssertErrorPageAsync(response, HttpStatusCode.BadRequest, "invalid_state");
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Callback_with_a_provider_error_whose_text_mentions_state_answers_502_not_invalid_state()
    {
        var callback = await StartAndStopAtCallbackAsync();
        var state = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        var failed = new Uri(callback, $"{callback.AbsolutePath}?error=server_error&error_description={Uri.EscapeDataString("The account is in an invalid state.")}&state={Uri.EscapeDataString(state)}");

        using var response = await browser.GetOnceAsync(failed, Ct);

        await AssertErrorPageAsync(response, HttpStatusCode.BadGateway, "code_exchange_failed");
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Callback_replayed_answers_400_invalid_state_the_second_time()
    {
        var callback = await StartAndStopAtCallbackAsync();
        (await browser.GetAsync(callback, Ct)).Dispose();
        Assert.Single(await app.ConnectionsOfAsync("user-1"));

        using var replay = await browser.GetOnceAsync(callback, Ct);

        await AssertErrorPageAsync(replay, HttpStatusCode.BadRequest, "invalid_state");
        Assert.Single(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Callback_without_the_correlation_cookie_answers_400_invalid_state()
    {
        var callback = await StartAndStopAtCallbackAsync();
        var removed = 0;
        foreach (var cookie in browser.Cookies.GetCookies(callback).Where(c => c.Name.StartsWith(".AspNetCore.Correlation", StringComparison.Ordinal)))
        {
            browser.Cookies.SetCookies(callback, $"{cookie.Name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path={cookie.Path}");
            removed++;
        }

        Assert.Equal(1, removed);

        using var response = await browser.GetOnceAsync(callback, Ct);

        await AssertErrorPageAsync(response, HttpStatusCode.BadRequest, "invalid_state");
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Callback_with_access_denied_shows_a_friendly_page_with_a_retry_link()
    {
        var callback = await StartAndStopAtCallbackAsync();
        var state = System.Web.HttpUtility.ParseQueryString(callback.Query)["state"];
        var denied = app.Url($"/oauth2/dev/callback?error=access_denied&error_description=The+user+denied&state={Uri.EscapeDataString(state!)}");

        using var response = await browser.GetOnceAsync(denied, Ct);

        var html = await AssertErrorPageAsync(response, HttpStatusCode.Forbidden, "access_denied");
        Assert.Contains("You declined access to DevProvider", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/oauth2/dev/connect?returnUrl=%2Fpage\"", html, StringComparison.Ordinal);
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Callback_when_the_code_exchange_is_refused_answers_502_with_the_provider_error()
    {
        var callback = await StartAndStopAtCallbackAsync();
        dev.Faults.FailNextTokenRequests(DevTokenFault.InvalidClient);

        using var response = await browser.GetOnceAsync(callback, Ct);

        var html = await AssertErrorPageAsync(response, HttpStatusCode.BadGateway, "code_exchange_failed");
        Assert.Contains("invalid_client", html, StringComparison.Ordinal);
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Callback_when_the_provider_is_down_answers_503_provider_unavailable()
    {
        var callback = await StartAndStopAtCallbackAsync();
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 100);

        using var response = await browser.GetOnceAsync(callback, Ct);

        await AssertErrorPageAsync(response, HttpStatusCode.ServiceUnavailable, "provider_unavailable");
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Connect_of_an_account_already_connected_by_another_user_answers_409_and_leaves_the_first_row()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        var first = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        using var other = new Browser();
        await app.SignInAsync(other, "user-2", Ct);

        using var response = await app.ConnectAsync(other, "alice", "/page", Ct);

        await AssertErrorPageAsync(response, HttpStatusCode.Conflict, "account_already_connected");
        Assert.Empty(await app.ConnectionsOfAsync("user-2"));
        var after = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal(first.ConcurrencyToken, after.ConcurrencyToken);
    }

    [Fact]
    public async Task Two_accounts_of_one_provider_can_be_connected_by_one_user()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        (await app.ConnectAsync(browser, "bob", "/page", Ct)).Dispose();

        var rows = await app.ConnectionsOfAsync("user-1");

        Assert.Equal(["alice", "bob"], rows.Select(r => r.ProviderUserId).Order());
    }

    [Fact]
    public async Task List_returns_the_users_connections_as_json_without_token_values()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        using var request = new HttpRequestMessage(HttpMethod.Get, app.Url("/oauth2/"));
        request.Headers.Add("Accept", "application/json");

        using var response = await browser.SendAsync(request, follow: false, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(json);
        var connection = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal("dev", connection.GetProperty("provider").GetString());
        Assert.Equal("Active", connection.GetProperty("status").GetString());
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Foauth2%2F", connection.GetProperty("reconnectUrl").GetString());
        Assert.DoesNotContain("ccessToken\":\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("encrypted", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Revoke_without_an_antiforgery_token_answers_400_and_keeps_the_row()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        var row = Assert.Single(await app.ConnectionsOfAsync("user-1"));

        using var response = await browser.PostFormAsync(app.Url($"/oauth2/{row.Id}/revoke"), [], Ct, follow: false);

        await AssertErrorPageAsync(response, HttpStatusCode.BadRequest, "antiforgery_failed");
        Assert.Single(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Revoke_of_another_users_connection_answers_404_and_never_touches_it()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        var victim = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        using var attacker = new Browser();
        await app.SignInAsync(attacker, "user-2", Ct);
        var token = await (await attacker.GetOnceAsync(app.Url("/antiforgery"), Ct)).Content.ReadAsStringAsync(Ct);

        using var response = await attacker.PostFormAsync(app.Url($"/oauth2/{victim.Id}/revoke"), [new("__RequestVerificationToken", token)], Ct, follow: false);

        await AssertErrorPageAsync(response, HttpStatusCode.NotFound, "connection_not_found");
        var after = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal(victim.ConcurrencyToken, after.ConcurrencyToken);
        Assert.Equal(0, dev.Stats.RevocationRequests);
    }

    [Fact]
    public async Task Revoke_from_the_list_page_revokes_at_the_provider_deletes_the_row_and_says_so()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        using var list = await browser.GetOnceAsync(app.Url("/oauth2/"), Ct);
        var html = await list.Content.ReadAsStringAsync(Ct);
        var action = System.Text.RegularExpressions.Regex.Match(html, "form method=\"post\" action=\"([^\"]+)\"").Groups[1].Value;
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        using var response = await browser.PostFormAsync(app.Url(System.Net.WebUtility.HtmlDecode(action)), [new("__RequestVerificationToken", token), new("returnUrl", "/page")], Ct);

        Assert.Equal("page|Your DevProvider account is disconnected.", await response.Content.ReadAsStringAsync(Ct));
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
        Assert.True(dev.Stats.RevocationRequests >= 1);
    }

    [Fact]
    public async Task Connect_after_repeated_reconnects_that_die_at_once_shows_the_loop_page_instead_of_redirecting()
    {
        // Every token the provider issues is already inside the refresh skew, so each death is found at once,
        // right after the reconnect that preceded it (no clock jumps).
        dev.Faults.SetLifetimes(TimeSpan.FromSeconds(30), null);
        await app.SignInAsync(browser, "user-1", Ct);
        for (var i = 0; i < 3; i++)
        {
            (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
            await dev.Faults.RevokeGrantAsync("alice", Ct);
            Assert.Equal(TokenStatus.ReauthRequired, (await app.GetTokenAsync("user-1")).Status);
            if (i < 2)
            {
                // Not a loop yet: the connect URL still leads to the provider.
                using var allowed = await browser.GetOnceAsync(app.Url("/oauth2/dev/connect?returnUrl=%2Fpage"), Ct);
                Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
            }
        }

        browser.Hops.Clear();
        using var response = await browser.GetAsync(app.Url("/oauth2/dev/connect?returnUrl=%2Fpage"), Ct);

        var html = await AssertErrorPageAsync(response, HttpStatusCode.InternalServerError, "reauth_loop");
        Assert.Contains("client id and secret", html, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.Hops, hop => hop.Port == dev.BaseUri.Port);
    }

    /// <summary>Signs in, starts connecting and stops at the provider's redirect back to the app's callback.</summary>
    private async Task<Uri> StartAndStopAtCallbackAsync()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        return await app.StopAtCallbackAsync(browser, "alice", Ct);
    }

    private static async Task<string> AssertErrorPageAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Contains($"Error code: {code}", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        return body;
    }

    private async Task AssertNoTokenTextInDatabaseAsync()
    {
        var result = await app.GetTokenAsync("user-1");
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM oauth2capture_tokens";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                Assert.DoesNotContain(result.AccessToken!, reader.GetValue(i)?.ToString() ?? string.Empty, StringComparison.Ordinal);
            }
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Examples;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Docs;

/// <summary>Runs every example of docs/examples against the DevProvider, in an app configured as docs/getting-started.md says.</summary>
public sealed class ExamplesTests : IAsyncLifetime
{
    private DevProviderServer provider = null!;
    private ExamplesAppHarness app = null!;
    private readonly Browser browser = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        provider = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await ExamplesAppHarness.StartAsync(provider);
    }

    public async ValueTask DisposeAsync()
    {
        browser.Dispose();
        await app.DisposeAsync();
        await provider.DisposeAsync();
    }

    [Fact]
    public async Task GettingStarted_settings_page_links_to_connect_and_the_link_connects_and_comes_back()
    {
        await app.SignInAsync(browser, "user-1", Ct);

        var page = await browser.GetAsync(app.Url("/settings"), Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);

        Assert.Contains("href=\"/oauth2/github/connect?returnUrl=%2Fsettings\"", html, StringComparison.Ordinal);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        Assert.Equal(TokenStatus.Valid, (await app.GetTokenAsync("user-1", ExamplesAppHarness.Dev)).Status);
    }

    [Fact]
    public async Task ServiceResult_sends_an_unconnected_user_to_connect_then_back_and_uses_the_token()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        app.AsProviderUser(browser, "alice");

        var response = await browser.GetAsync(app.Url("/repositories?page=2"), Ct);

        Assert.Equal("Listing your repositories (Valid).", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/repositories?page=2", browser.Hops[^1].PathAndQuery);
        Assert.Contains(browser.Hops, hop => hop.AbsolutePath == "/oauth2/dev/connect");
    }

    [Fact]
    public async Task ServiceResult_after_expiry_refreshes_silently_and_after_revocation_sends_the_user_to_reauth()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);

        app.Clock.Advance(TimeSpan.FromHours(2));
        var refreshed = await browser.GetAsync(app.Url("/repositories"), Ct);
        Assert.Equal("Listing your repositories (Refreshed).", await refreshed.Content.ReadAsStringAsync(Ct));

        await app.KillGrantAsync("alice", Ct);
        var dead = await browser.GetOnceAsync(app.Url("/repositories"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, dead.StatusCode);
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Frepositories", dead.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ServiceResult_when_the_provider_is_down_answers_503_and_never_sends_the_user_to_reconnect()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        provider.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, count: 10);
        app.Clock.Advance(TimeSpan.FromHours(2));

        var response = await browser.GetOnceAsync(app.Url("/repositories"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task PendingAction_post_made_while_the_grant_is_dead_is_published_once_after_the_reconnect()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        await app.KillGrantAsync("alice", Ct);
        var antiforgery = await (await browser.GetAsync(app.Url("/antiforgery"), Ct)).Content.ReadAsStringAsync(Ct);

        var response = await browser.PostFormAsync(app.Url("/posts"),
            [new("text", "Hello from the docs"), new("__RequestVerificationToken", antiforgery)], Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Your DevProvider account is reconnected and your post was published.", page.RootElement.GetProperty("message").GetString());
        Assert.Equal(["Hello from the docs"], page.RootElement.GetProperty("published").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(page.RootElement.GetProperty("parked").EnumerateArray());
        Assert.Contains(browser.Hops, hop => hop.AbsolutePath == "/oauth2/dev/connect" && hop.Query.Contains("pendingAction=", StringComparison.Ordinal));
        Assert.Equal(TokenStatus.Valid, (await app.GetTokenAsync("user-1", ExamplesAppHarness.Dev)).Status);
    }

    [Fact]
    public async Task PendingAction_post_with_a_live_token_is_published_at_once()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        var antiforgery = await (await browser.GetAsync(app.Url("/antiforgery"), Ct)).Content.ReadAsStringAsync(Ct);
        browser.Hops.Clear();

        var response = await browser.PostFormAsync(app.Url("/posts"), [new("text", "Straight away"), new("__RequestVerificationToken", antiforgery)], Ct);

        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["Straight away"], page.RootElement.GetProperty("published").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(browser.Hops, hop => hop.AbsolutePath.StartsWith("/oauth2/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiringSoon_dashboard_warns_about_a_refresh_token_ending_within_the_window_with_a_reconnect_link()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.DevTwo, "bob", Ct);

        // Like LinkedIn's refresh_token_expires_in: the dev connection's refresh token ends in 3 days, devtwo's in 30.
        var soon = await app.RowAsync("user-1", ExamplesAppHarness.Dev);
        soon.RefreshTokenExpiresAt = app.Clock.GetUtcNow().AddDays(3).AddHours(1);
        await app.UpdateRowAsync(soon);
        var later = await app.RowAsync("user-1", ExamplesAppHarness.DevTwo);
        later.RefreshTokenExpiresAt = app.Clock.GetUtcNow().AddDays(30);
        await app.UpdateRowAsync(later);

        var warnings = await (await browser.GetAsync(app.Url("/dashboard/warnings"), Ct)).Content.ReadFromJsonAsync<List<ConnectionWarning>>(Ct);

        var warning = Assert.Single(warnings!);
        Assert.Equal(ExamplesAppHarness.Dev, warning.Provider);
        Assert.Equal("Your DevProvider connection (Alice Example) stops working in 3 days. Reconnect now to keep your scheduled posts going.", warning.Message);
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fdashboard", warning.ReconnectUrl);
    }

    [Fact]
    public async Task BulkOperation_reports_each_provider_and_one_dead_connection_does_not_block_the_others()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.DevTwo, "bob", Ct);
        await app.KillGrantAsync("bob", Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, app.Url("/crosspost")) { Content = JsonContent.Create(new CrossPostRequest("Everywhere")) };
        request.Headers.Accept.ParseAdd("application/json");

        var response = await browser.SendAsync(request, follow: false, Ct);
        var outcomes = await response.Content.ReadFromJsonAsync<List<CrossPostOutcome>>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            [
                new CrossPostOutcome("dev", "posted"),
                new CrossPostOutcome("devtwo", "reconnect", nameof(ReauthReason.Revoked), "/oauth2/devtwo/connect?returnUrl=%2Fcompose"),
                new CrossPostOutcome("github", "reconnect", nameof(ReauthReason.None), "/oauth2/github/connect?returnUrl=%2Fcompose"),
            ],
            outcomes!);
    }

    [Fact]
    public async Task ApiClient_calls_the_provider_api_with_the_users_token()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        browser.Accept = "application/json";

        var response = await browser.GetAsync(app.Url("/api/profile"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var profile = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("alice", profile.RootElement.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task ApiClient_answers_403_problem_with_code_and_reauthUrl_when_the_grant_is_dead()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        await app.KillGrantAsync("alice", Ct);
        browser.Accept = "application/json";

        var response = await browser.GetAsync(app.Url("/api/profile"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("urn:oauth2capture:problem:reauth_required", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal("reauth_required", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("Revoked", problem.RootElement.GetProperty("reason").GetString());
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fapi%2Fprofile", problem.RootElement.GetProperty("reauthUrl").GetString());
    }

    [Fact]
    public async Task ApiClient_finds_a_grant_revoked_an_hour_before_its_token_expires_at_the_first_API_call()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        await provider.Faults.RevokeGrantAsync("alice", Ct); // the stored access token stays valid for an hour
        browser.Accept = "application/json";

        var response = await browser.GetAsync(app.Url("/api/profile"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Revoked", problem.RootElement.GetProperty("reason").GetString());
        Assert.Equal(ReauthReason.Revoked, (await app.GetTokenAsync("user-1", ExamplesAppHarness.Dev)).Reason);
    }

    [Fact]
    public async Task ApiClient_from_a_background_job_names_the_user_on_the_request()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        await using var scope = app.Services.CreateAsyncScope(); // no HTTP request, as in a hosted service

        var profile = await scope.ServiceProvider.GetRequiredService<ProviderApiClient>().GetForAsync("user-1", "api/me", Ct);

        Assert.Equal("alice", JsonDocument.Parse(profile).RootElement.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task ApiClient_answers_403_not_connected_for_a_user_who_never_connected()
    {
        await app.SignInAsync(browser, "user-2", Ct);
        browser.Accept = "application/json";

        var response = await browser.GetAsync(app.Url("/api/profile"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("not_connected", problem.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ExceptionEscapes_sends_an_unconnected_browser_to_connect_and_back_where_the_api_call_succeeds()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        app.AsProviderUser(browser, "alice");

        var response = await browser.GetAsync(app.Url("/me?tab=posts"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var profile = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("alice", profile.RootElement.GetProperty("sub").GetString());
        Assert.Contains(browser.Hops, hop => hop.PathAndQuery == "/oauth2/dev/connect?returnUrl=%2Fme%3Ftab%3Dposts");
        Assert.Equal("/me?tab=posts", browser.Hops[^1].PathAndQuery);
    }

    [Fact]
    public async Task ExceptionEscapes_answers_an_api_caller_403_Revoked_with_reauthUrl_and_an_outage_503()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        await app.KillGrantAsync("alice", Ct);
        browser.Accept = "application/json";

        var dead = await browser.GetAsync(app.Url("/me"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, dead.StatusCode);
        using (var problem = JsonDocument.Parse(await dead.Content.ReadAsStringAsync(Ct)))
        {
            Assert.Equal("reauth_required", problem.RootElement.GetProperty("code").GetString());
            Assert.Equal("Revoked", problem.RootElement.GetProperty("reason").GetString());
            Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fme", problem.RootElement.GetProperty("reauthUrl").GetString());
        }

        await app.SignInAsync(browser, "user-2", Ct);
        browser.Accept = "text/html";
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "bob", Ct);
        provider.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 1000);
        app.Clock.Advance(TimeSpan.FromHours(2));
        browser.Accept = "application/json";

        var down = await browser.GetAsync(app.Url("/me"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.NotNull(down.Headers.RetryAfter);
    }

    [Fact]
    public async Task RequireOAuthToken_attribute_runs_the_action_with_the_token_and_sends_a_dead_connection_to_reauth()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);

        var ok = await browser.GetAsync(app.Url("/issues"), Ct);
        Assert.Equal("Issues, read with a Bearer token (Valid).", await ok.Content.ReadAsStringAsync(Ct));

        await app.KillGrantAsync("alice", Ct);
        var dead = await browser.GetOnceAsync(app.Url("/issues"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, dead.StatusCode);
        Assert.StartsWith("/oauth2/dev/connect?returnUrl=%2Fissues", dead.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireOAuthToken_endpoint_filter_answers_api_callers_403_problem_with_reauthUrl()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        browser.Accept = "application/json";

        var ok = await browser.GetAsync(app.Url("/api/issues"), Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        await app.KillGrantAsync("alice", Ct);
        var dead = await browser.GetAsync(app.Url("/api/issues"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, dead.StatusCode);
        using var problem = JsonDocument.Parse(await dead.Content.ReadAsStringAsync(Ct));
        Assert.Equal("reauth_required", problem.RootElement.GetProperty("code").GetString());
        Assert.StartsWith("/oauth2/dev/connect?returnUrl=", problem.RootElement.GetProperty("reauthUrl").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusBanner_lists_the_connection_that_needs_reauth_with_message_and_reconnect_url()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        browser.Accept = "application/json";
        using (var before = JsonDocument.Parse(await (await browser.GetAsync(app.Url("/api/banner"), Ct)).Content.ReadAsStringAsync(Ct)))
        {
            Assert.Empty(before.RootElement.EnumerateArray());
        }

        await app.KillGrantAsync("alice", Ct);
        Assert.Equal(TokenStatus.ReauthRequired, (await app.GetTokenAsync("user-1", ExamplesAppHarness.Dev)).Status);
        using var after = JsonDocument.Parse(await (await browser.GetAsync(app.Url("/api/banner"), Ct)).Content.ReadAsStringAsync(Ct));

        var banner = Assert.Single(after.RootElement.EnumerateArray());
        Assert.Equal("dev", banner.GetProperty("provider").GetString());
        Assert.False(string.IsNullOrEmpty(banner.GetProperty("message").GetString()));
        Assert.StartsWith("/oauth2/dev/connect?returnUrl=%2Fapi%2Fbanner", banner.GetProperty("reconnectUrl").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountDeletion_disconnects_every_connection_of_the_user_and_revokes_each_at_the_provider()
    {
        await app.SignInAsync(browser, "user-1", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.Dev, "alice", Ct);
        await app.ConnectAsync(browser, ExamplesAppHarness.DevTwo, "alice", Ct);
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        Assert.Equal(2, (await store.ListByOwnerAsync("user-1", Ct)).Count);

        var notTold = await ActivatorUtilities.CreateInstance<AccountDeletion>(scope.ServiceProvider).DisconnectAllAsync("user-1", Ct);

        Assert.Empty(notTold);
        Assert.Empty(await store.ListByOwnerAsync("user-1", Ct));
        Assert.True(provider.Stats.RevocationRequests >= 2);
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OAuth2Capture.BrowserTests;

/// <summary>
/// Each re-auth pattern of the sample, walked in headless Chromium as a person would: sign in, connect on the
/// DevProvider's consent page, break the connection from the dashboard's simulate panel, use the pattern, read the
/// message, reconnect, land back. Each test has its own app and database.
/// </summary>
public sealed class ReauthPatternTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Attribute_page_sends_the_user_to_reconnect_and_back_then_posts_with_the_token()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();

        // Never connected: the attribute sends the user straight to DevSocial's consent page.
        await s.GotoAsync("/attribute");
        await s.ApproveAsync(screenshot: "attribute-consent.png");
        await Expect(s.Page).ToHaveURLAsync(new Regex("/attribute$"));
        await Expect(s.Page.Locator("#token-status")).ToHaveTextAsync("Valid");

        await s.Page.GetByLabel("Post to DevSocial").FillAsync("Posted by the attribute page");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Publish to DevSocial with this token" }).ClickAsync();
        await Expect(s.Page.GetByText("Published to DevSocial with the token the attribute obtained")).ToBeVisibleAsync();

        // Revoked at the provider: the same page now detours through the consent page and comes back.
        await s.SimulateAsync("DevSocial", "Revoke DevSocial's grant");
        await s.GotoAsync("/attribute");
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/attribute$"));
        await Expect(s.Page.GetByText("Your DevSocial account is reconnected.")).ToBeVisibleAsync();
        await Expect(s.Page.Locator("#token-status")).ToHaveTextAsync("Valid");
        await s.ScreenshotAsync("attribute-reconnected.png");

        // Revoked at DevSocial only: the page still opens (the stored token looks valid), and the post itself finds
        // out. The handler's exception escapes the page handler and is answered like the attribute: reconnect, back.
        await s.SimulateAsync("DevSocial", "Revoke at DevSocial only (found at the next post)");
        await s.GotoAsync("/attribute");
        await Expect(s.Page.Locator("#token-status")).ToHaveTextAsync("Valid");
        await s.Page.GetByLabel("Post to DevSocial").FillAsync("Found dead by the API");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Publish to DevSocial with this token" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/attribute$"));
        await Expect(s.Page.GetByText("Your DevSocial account is reconnected.")).ToBeVisibleAsync();
        Assert.Empty(s.ForeignRequests);
    }

    [Fact]
    public async Task Scheduled_post_from_the_background_job_parks_on_a_grant_revoked_at_the_provider_and_goes_out_after_the_reconnect()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.ConnectFromDashboardAsync("DevSocial");
        await ScheduleAsync(s, "Scheduled while connected");
        await UntilAsync(s, "/schedule", "#scheduled li[data-state=Published]", 1);

        await s.SimulateAsync("DevSocial", "Revoke at DevSocial only (found at the next post)");
        await ScheduleAsync(s, "Scheduled after the revocation");
        await UntilAsync(s, "/schedule", "#scheduled li[data-state=Parked]", 1);
        await Expect(s.Page.Locator("#scheduled li[data-state=Parked]")).ToContainTextAsync("Scheduled after the revocation");
        await s.ScreenshotAsync("scheduled-post-parked.png");
        await s.GotoAsync("/dashboard");
        await Expect(s.Page.Locator("#notification-list")).ToContainTextAsync("Your scheduled post to DevSocial is waiting");

        await s.GotoAsync("/schedule");
        await s.Page.Locator("#scheduled li[data-state=Parked]").GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/schedule$"));
        await UntilAsync(s, "/schedule", "#scheduled li[data-state=Published]", 2);

        // Read back from DevSocial's API: the provider really received both posts.
        await Expect(s.Page.Locator("#at-provider")).ToContainTextAsync("Scheduled while connected");
        await Expect(s.Page.Locator("#at-provider")).ToContainTextAsync("Scheduled after the revocation");
        await s.ScreenshotAsync("scheduled-post-published.png");
        Assert.Empty(s.ForeignRequests);
    }

    private static async Task ScheduleAsync(SampleSession s, string text)
    {
        await s.GotoAsync("/schedule");
        await s.Page.GetByLabel("Scheduled post to DevSocial").FillAsync(text);
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Schedule for DevSocial" }).ClickAsync();
        await Expect(s.Page.GetByText("Scheduled. A background job publishes it")).ToBeVisibleAsync();
    }

    /// <summary>Reloads <paramref name="path"/> until <paramref name="selector"/> matches <paramref name="count"/> elements: the background job runs on its own clock.</summary>
    private static async Task UntilAsync(SampleSession s, string path, string selector, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await s.GotoAsync(path);
            if (await s.Page.Locator(selector).CountAsync() == count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{selector} never reached {count} on {path}: {await s.Page.Locator("main").InnerTextAsync()}");
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task Service_result_page_shows_published_retry_later_and_reconnect_required()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.ConnectFromDashboardAsync("DevSocial");

        await PublishAsync(s, "First post");
        await Expect(s.Page.Locator("#outcome")).ToHaveAttributeAsync("data-kind", "Published");

        // Rate limited: retry later, and no reconnect button.
        await s.SimulateAsync("DevSocial", "Answer 429", count: 3);
        await PublishAsync(s, "Second post");
        await Expect(s.Page.Locator("#outcome")).ToHaveAttributeAsync("data-kind", "RetryLater");
        await Expect(s.Page.Locator("#outcome")).ToContainTextAsync("no need to reconnect");
        await Expect(s.Page.GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial" })).ToHaveCountAsync(0);
        await s.ScreenshotAsync("service-result-retry-later.png");

        // Revoked: reconnect required, with the button that fixes it.
        await s.SimulateAsync("DevSocial", "Clear the DevProvider's faults");
        await s.SimulateAsync("DevSocial", "Revoke DevSocial's grant");
        await PublishAsync(s, "Third post");
        await Expect(s.Page.Locator("#outcome")).ToHaveAttributeAsync("data-kind", "ReconnectRequired");
        await Expect(s.Page.Locator("#outcome")).ToContainTextAsync("Your DevSocial connection was revoked.");
        await s.ScreenshotAsync("service-result-reconnect.png");
        await s.Page.Locator("#outcome").GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/service-result\\?provider=dev$"));
        await Expect(s.Page.GetByText("Your DevSocial account is reconnected.")).ToBeVisibleAsync();

        await PublishAsync(s, "Fourth post");
        await Expect(s.Page.Locator("#outcome")).ToHaveAttributeAsync("data-kind", "Published");
    }

    [Fact]
    public async Task A_grant_revoked_at_the_provider_only_is_found_by_the_next_post_at_its_API_and_reconnecting_publishes_again()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.ConnectFromDashboardAsync("DevSocial");
        await PublishAsync(s, "Before the revocation");
        await Expect(s.Page.Locator("#outcome")).ToHaveAttributeAsync("data-kind", "Published");

        // The stored access token still looks valid for an hour: nothing shows until the API is called.
        await s.SimulateAsync("DevSocial", "Revoke at DevSocial only (found at the next post)");
        await s.GotoAsync("/dashboard");
        await Expect(s.Page.Locator("tr[data-provider=dev]")).ToHaveAttributeAsync("data-state", "Active");

        await PublishAsync(s, "After the revocation");
        await Expect(s.Page.Locator("#outcome")).ToHaveAttributeAsync("data-kind", "ReconnectRequired");
        await Expect(s.Page.Locator("#outcome")).ToContainTextAsync("Your DevSocial connection was revoked.");
        await s.ScreenshotAsync("api-revocation-found.png");
        await s.Page.Locator("#outcome").GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/service-result\\?provider=dev$"));

        await PublishAsync(s, "After reconnecting");
        await Expect(s.Page.Locator("#outcome")).ToHaveAttributeAsync("data-kind", "Published");
        Assert.Empty(s.ForeignRequests);
    }

    private static async Task PublishAsync(SampleSession s, string text)
    {
        await s.GotoAsync("/service-result?provider=dev");
        await s.Page.GetByLabel("Your post").FillAsync(text);
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Publish to DevSocial" }).ClickAsync();
        await Expect(s.Page.Locator("#outcome")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Banner_in_the_layout_shows_on_every_page_and_its_link_reconnects_back_to_that_page()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.ConnectFromDashboardAsync("DevSocial");
        await Expect(s.Page.Locator(".oauth2capture-reauth-banner")).ToHaveCountAsync(0);

        await s.SimulateAsync("DevSocial", "Expire DevSocial's refresh token");
        foreach (var path in new[] { "/", "/compose", "/bulk", "/dashboard" })
        {
            await s.GotoAsync(path);
            var banner = s.Page.Locator(".oauth2capture-reauth-banner[data-provider=dev]");
            await Expect(banner).ToContainTextAsync("Your DevSocial connection has expired. Reconnect to continue.");
        }

        await s.GotoAsync("/bulk");
        await s.ScreenshotAsync("banner.png");
        await s.Page.Locator(".oauth2capture-reauth-banner").GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/bulk$"));
        await Expect(s.Page.GetByText("Your DevSocial account is reconnected.")).ToBeVisibleAsync();
        await Expect(s.Page.Locator(".oauth2capture-reauth-banner")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Pending_action_parks_the_post_while_dead_and_publishes_it_after_the_reconnect()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.ConnectFromDashboardAsync("DevSocial");
        await s.SimulateAsync("DevSocial", "Revoke DevSocial's grant");

        await s.GotoAsync("/compose");
        await s.Page.GetByLabel("Post to DevSocial").FillAsync("Hello from a dead connection");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Publish to DevSocial" }).ClickAsync();
        var parked = s.Page.Locator("#parked");
        await Expect(parked).ToContainTextAsync("Your post is saved and waiting.");
        await Expect(s.Page.Locator("#posts li[data-state=Waiting]")).ToContainTextAsync("Hello from a dead connection");
        await s.ScreenshotAsync("pending-action-parked.png");

        await parked.GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial and publish" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/compose$"));
        await Expect(s.Page.GetByText("Your DevSocial account is reconnected and your post \"Hello from a dead connection\" was published to DevSocial.")).ToBeVisibleAsync();
        await Expect(s.Page.Locator("#posts li[data-state=Published]")).ToContainTextAsync("Hello from a dead connection");
        await Expect(s.Page.Locator("#posts li[data-state=Waiting]")).ToHaveCountAsync(0);
        await s.ScreenshotAsync("pending-action-published.png");
    }

    [Fact]
    public async Task Dashboard_shows_health_and_expiry_and_its_buttons_reconnect_and_disconnect()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.GotoAsync("/dashboard");
        var social = s.Page.Locator("#connections tr[data-provider=dev]");
        await Expect(social).ToContainTextAsync("Not connected");

        await s.ConnectFromDashboardAsync("DevSocial");
        await Expect(social).ToContainTextAsync("Working");
        await Expect(social).ToContainTextAsync("expires in 14 days");

        // Short-lived grants: after a reconnect the dashboard warns the user ahead of time.
        await s.SimulateAsync("DevSocial", "Shorten new refresh tokens to 3 days");
        await social.GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(social).ToContainTextAsync("expires in 3 days");
        await Expect(s.Page.Locator(".warning[data-provider=dev]")).ToContainTextAsync("Your DevSocial connection expires in 3 days");

        await s.SimulateAsync("DevSocial", "Revoke DevSocial's grant");
        await Expect(social).ToContainTextAsync("Needs reconnecting (Revoked)");
        await Expect(s.Page.Locator("#notification-list li[data-kind=ReauthRequired][data-provider=dev]")).ToContainTextAsync("DevSocial needs you to reconnect (Revoked)");
        await s.ScreenshotAsync("dashboard.png");

        await social.GetByRole(AriaRole.Button, new() { Name = "Disconnect DevSocial" }).ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/dashboard$"));
        await Expect(social).ToContainTextAsync("Not connected");
    }

    [Fact]
    public async Task Dashboard_require_more_permissions_asks_the_user_to_reconsent_and_the_reconnect_restores_it()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.ConnectFromDashboardAsync("DevSocial");
        var social = s.Page.Locator("#connections tr[data-provider=dev]");

        await s.SimulateAsync("DevSocial", "Require more permissions");

        await Expect(social).ToContainTextAsync("Needs reconnecting (InsufficientScope)");
        await Expect(s.Page.GetByRole(AriaRole.Alert).First).ToContainTextAsync("DevSocial needs more permissions for this");
        await social.GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(social).ToContainTextAsync("Working");
    }

    [Fact]
    public async Task Bulk_post_publishes_where_it_can_and_lists_each_provider_to_reconnect_in_turn()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.ConnectFromDashboardAsync("DevSocial");
        await s.ConnectFromDashboardAsync("DevPhotos");
        await s.SimulateAsync("DevPhotos", "Revoke DevPhotos's grant");

        await s.GotoAsync("/bulk");
        await s.Page.GetByLabel("Your post").FillAsync("One post, two networks");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Publish to the selected providers" }).ClickAsync();
        await Expect(s.Page.Locator("#outcomes li[data-provider=dev]")).ToHaveAttributeAsync("data-kind", "Published");
        await Expect(s.Page.Locator("#outcomes li[data-provider=dev2]")).ToHaveAttributeAsync("data-kind", "ReconnectRequired");
        await Expect(s.Page.Locator("#waiting li")).ToHaveCountAsync(1);
        await s.ScreenshotAsync("bulk-waiting.png");

        // Both dead now: two entries, reconnected one after the other.
        await s.SimulateAsync("DevSocial", "Revoke DevSocial's grant");
        await s.GotoAsync("/bulk");
        await s.Page.GetByLabel("Your post").FillAsync("Second round");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Publish to the selected providers" }).ClickAsync();
        await Expect(s.Page.Locator("#waiting li")).ToHaveCountAsync(3);

        await s.Page.Locator("#waiting li[data-provider=dev]").First.GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial and publish" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/bulk$"));
        await Expect(s.Page.GetByText("was published to DevSocial")).ToBeVisibleAsync();
        await Expect(s.Page.Locator("#waiting li[data-provider=dev]")).ToHaveCountAsync(0);

        // DevPhotos: the first reconnect publishes the post its link carried; the connection then works, so the
        // other waiting post offers a plain retry instead of another reconnect.
        await Expect(s.Page.Locator("#waiting li[data-provider=dev2]")).ToHaveCountAsync(2);
        await s.Page.Locator("#waiting li[data-provider=dev2]").First.GetByRole(AriaRole.Link, new() { Name = "Reconnect DevPhotos and publish" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page.GetByText("was published to DevPhotos")).ToBeVisibleAsync();
        await Expect(s.Page.Locator("#waiting li[data-provider=dev2]")).ToHaveCountAsync(1);
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Try DevPhotos again" }).ClickAsync();
        await Expect(s.Page.Locator("#outcomes li[data-provider=dev2]")).ToHaveAttributeAsync("data-kind", "Published");
        await Expect(s.Page.Locator("#waiting")).ToHaveCountAsync(0);
        await s.ScreenshotAsync("bulk-done.png");
    }

    [Fact]
    public async Task Api_client_script_shows_the_problem_details_and_follows_reauthUrl_back_to_the_page()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();
        await s.ConnectFromDashboardAsync("DevSocial");

        await s.GotoAsync("/api-client");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Call GET /api/profile" }).ClickAsync();
        await Expect(s.Page.Locator("#summary")).ToHaveTextAsync("The API answered with data: DevSocial is connected.");
        await Expect(s.Page.Locator("#answer")).ToContainTextAsync("\"nameAtProvider\"");

        // Revoked at DevSocial only: the endpoint's filter passes, DevSocial's API answers 401, and the exception the
        // handler throws escapes the endpoint as the same 403 problem.
        await s.SimulateAsync("DevSocial", "Revoke at DevSocial only (found at the next post)");
        await s.GotoAsync("/api-client");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Call GET /api/profile" }).ClickAsync();
        await Expect(s.Page.Locator("#answer")).ToContainTextAsync("HTTP 403 application/problem+json");
        await Expect(s.Page.Locator("#answer")).ToContainTextAsync("\"reauthUrl\"");
        await Expect(s.Page.Locator("#summary")).ToContainTextAsync("Your DevSocial connection was revoked.");
        await s.ScreenshotAsync("api-client-problem.png");

        await s.Page.GetByRole(AriaRole.Link, new() { Name = "Follow reauthUrl: reconnect DevSocial" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/api-client$"));
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Call GET /api/profile" }).ClickAsync();
        await Expect(s.Page.Locator("#summary")).ToHaveTextAsync("The API answered with data: DevSocial is connected.");
    }

    [Fact]
    public async Task Keyboard_alone_reaches_and_presses_the_sign_in_and_publish_buttons()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.GotoAsync("/signin");
        Assert.True(await TabToAsync(s.Page, "Sign in as Alice"), "Tab never reached the \"Sign in as Alice\" button.");
        await s.ScreenshotAsync("keyboard-focus.png");
        await s.Page.Keyboard.PressAsync("Enter");
        await Expect(s.Page.GetByText("Signed in as Alice")).ToBeVisibleAsync();

        await s.GotoAsync("/compose");
        await s.Page.GetByLabel("Post to DevSocial").FocusAsync();
        await s.Page.Keyboard.TypeAsync("Typed without a mouse");
        Assert.True(await TabToAsync(s.Page, "Publish to DevSocial"), "Tab never reached the \"Publish to DevSocial\" button.");
        await s.Page.Keyboard.PressAsync("Enter");
        await Expect(s.Page.Locator("#parked")).ToContainTextAsync("Connect your DevSocial account to continue.");
    }

    private static async Task<bool> TabToAsync(IPage page, string name)
    {
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.textContent.trim() : ''");
            if (focused == name)
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_message()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();

        await s.GotoAsync("/compose");
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Publish to DevSocial" }).ClickAsync();
        await Expect(s.Page.Locator(".error")).ToHaveTextAsync("Your post is empty. Write something before publishing.");

        await s.Page.GetByLabel("Post to DevSocial").FillAsync(new string('x', 300));
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Publish to DevSocial" }).ClickAsync();
        await Expect(s.Page.Locator(".error")).ToHaveTextAsync("Your post is 300 characters long; the limit is 280. Shorten it by 20 characters.");

        await s.GotoAsync("/service-result?provider=nope");
        await Expect(s.Page.Locator(".error")).ToContainTextAsync("There is no provider called \"nope\" in this app.");

        await s.GotoAsync("/oauth2/nope/connect");
        await Expect(s.Page.GetByText("This app does not connect to a provider named 'nope'.")).ToBeVisibleAsync();
        await s.ScreenshotAsync("bad-input-unknown-provider.png");

        await s.GotoAsync("/no-such-page");
        await Expect(s.Page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
    }
}

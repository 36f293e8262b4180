using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OAuth2Capture.BrowserTests;

/// <summary>
/// The sample's Blazor page (<c>/blazor</c>, interactive server rendering): the library's components over a live circuit,
/// every connect a full page load through the DevProvider's consent page and back to the page.
/// </summary>
public sealed class BlazorPageTests(BrowserFixture fixture)
{
    private const string PublishButton = "Publish to DevSocial from Blazor";

    [Fact]
    public async Task Blazor_page_connects_posts_over_the_circuit_and_reconnects_back_to_itself_after_either_revocation()
    {
        await using var s = await SampleSession.StartAsync(fixture);
        await s.SignInAsync();

        // Never connected: RequireOAuthToken's NotConnected slot instead of the form; its link connects back to /blazor.
        await s.GotoAsync("/blazor");
        var notConnected = s.Page.Locator("#not-connected");
        await Expect(notConnected).ToContainTextAsync("Connect your DevSocial account to continue.");
        await Expect(s.Page.GetByLabel("Post to DevSocial")).ToHaveCountAsync(0);
        await notConnected.GetByRole(AriaRole.Link, new() { Name = "Connect DevSocial to post from this page" }).ClickAsync();
        await s.ApproveAsync(screenshot: "blazor-consent.png");
        await Expect(s.Page).ToHaveURLAsync(new Regex("/blazor$"));
        await Expect(s.Page.GetByText("Your DevSocial account is connected.")).ToBeVisibleAsync();
        await Expect(s.Page.Locator("#token-status")).ToHaveTextAsync("Valid");
        await PublishAsync(s, "Posted from the Blazor page");
        Assert.Contains(s.WebSockets, url => url.StartsWith(s.Host.WebSocketBase + "_blazor", StringComparison.Ordinal));

        // Revoked (the app knows at once): the banner and RequireOAuthToken's Reconnect slot, no form.
        await s.SimulateAsync("DevSocial", "Revoke DevSocial's grant");
        await s.GotoAsync("/blazor");
        await Expect(s.Page.Locator(".oauth2capture-reauth-banner[data-provider=dev]")).ToContainTextAsync("Your DevSocial connection was revoked.");
        var reconnect = s.Page.Locator("#reconnect");
        await Expect(reconnect).ToContainTextAsync("Your DevSocial connection was revoked.");
        await Expect(s.Page.GetByLabel("Post to DevSocial")).ToHaveCountAsync(0);
        await s.ScreenshotAsync("blazor-reconnect-slot.png");
        await reconnect.GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial and come back here" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/blazor$"));
        await Expect(s.Page.GetByText("Your DevSocial account is reconnected.")).ToBeVisibleAsync();
        await Expect(s.Page.Locator(".oauth2capture-reauth-banner")).ToHaveCountAsync(0);
        await PublishAsync(s, "Posted after reconnecting");

        // Revoked at DevSocial only: the stored token looks valid, so the form shows; the click's API call finds the grant
        // dead, and the OAuthTokenErrorBoundary replaces the form with the reconnect prompt, in place, on the same circuit.
        await s.SimulateAsync("DevSocial", "Revoke at DevSocial only (found at the next post)");
        await s.GotoAsync("/blazor");
        await Expect(s.Page.Locator("#token-status")).ToHaveTextAsync("Valid");
        await FillAndClickAsync(s, "Found dead by the API");
        var prompt = s.Page.Locator(".oauth2capture-prompt[data-provider=dev]");
        await Expect(prompt).ToContainTextAsync("Your DevSocial connection was revoked.");
        await Expect(s.Page.GetByLabel("Post to DevSocial")).ToHaveCountAsync(0);
        await Expect(s.Page).ToHaveURLAsync(new Regex("/blazor$"));
        await s.ScreenshotAsync("blazor-error-boundary.png");
        await prompt.GetByRole(AriaRole.Link, new() { Name = "Reconnect DevSocial" }).ClickAsync();
        await s.ApproveAsync();
        await Expect(s.Page).ToHaveURLAsync(new Regex("/blazor$"));
        await Expect(s.Page.GetByText("Your DevSocial account is reconnected.")).ToBeVisibleAsync();
        await PublishAsync(s, "Posted after the second reconnect");

        // Read back from DevSocial's API: the three clicks that succeeded really posted, the one found dead did not.
        await s.GotoAsync("/schedule");
        var atProvider = s.Page.Locator("#at-provider li");
        await Expect(atProvider).ToHaveTextAsync(["Posted from the Blazor page", "Posted after reconnecting", "Posted after the second reconnect"]);

        // The one-time messages were consumed on /blazor, not shown again on the next Razor page.
        await Expect(s.Page.GetByText("Your DevSocial account is reconnected.")).ToHaveCountAsync(0);
        Assert.Empty(s.ForeignRequests);
    }

    private static async Task PublishAsync(SampleSession s, string text)
    {
        await FillAndClickAsync(s, text);
        await Expect(s.Page.Locator("#published")).ToContainTextAsync("Published to DevSocial from the Blazor component.");
        await Expect(s.Page.Locator("ul.posts")).ToContainTextAsync($"{text} — DevSocial: published");
    }

    /// <summary>Types and clicks once the circuit is up (the page enables the form then); the click goes over the WebSocket.</summary>
    private static async Task FillAndClickAsync(SampleSession s, string text)
    {
        var button = s.Page.GetByRole(AriaRole.Button, new() { Name = PublishButton });
        await Expect(button).ToBeEnabledAsync();
        await s.Page.GetByLabel("Post to DevSocial").FillAsync(text);
        await button.ClickAsync();
    }
}

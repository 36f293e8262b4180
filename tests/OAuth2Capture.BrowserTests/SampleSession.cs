using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OAuth2Capture.BrowserTests;

/// <summary>A fresh sample app and a fresh browser context, with the steps a person takes again and again.</summary>
internal sealed class SampleSession : IAsyncDisposable
{
    private SampleSession(SampleHost host, IBrowserContext context, IPage page)
    {
        Host = host;
        Context = context;
        Page = page;
    }

    public SampleHost Host { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Every request or WebSocket the page opened to a host other than the sample's (there must be none).</summary>
    public List<string> ForeignRequests { get; } = [];

    /// <summary>Every WebSocket the page opened (Blazor's circuit), by URL.</summary>
    public List<string> WebSockets { get; } = [];

    public static async Task<SampleSession> StartAsync(BrowserFixture fixture)
    {
        var browser = fixture.RequireBrowser();
        var host = await SampleHost.StartAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var session = new SampleSession(host, context, page);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(host.BaseUri.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                session.ForeignRequests.Add(request.Url);
            }
        };
        page.WebSocket += (_, socket) =>
        {
            session.WebSockets.Add(socket.Url);
            if (!socket.Url.StartsWith(host.WebSocketBase, StringComparison.Ordinal))
            {
                session.ForeignRequests.Add(socket.Url);
            }
        };
        return session;
    }

    public Task GotoAsync(string relative) => Page.GotoAsync(Host.Url(relative));

    public async Task SignInAsync(string name = "Alice")
    {
        await GotoAsync("/signin");
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {name}" }).ClickAsync();
        await Expect(Page.GetByText($"Signed in as {name}")).ToBeVisibleAsync();
    }

    /// <summary>On the DevProvider's consent page: checks it, optionally screenshots it, approves.</summary>
    public async Task ApproveAsync(string? screenshot = null)
    {
        await Expect(Page).ToHaveURLAsync(new Regex("/dev-provider/connect/authorize"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Authorize" })).ToBeVisibleAsync();
        if (screenshot is not null)
        {
            await ScreenshotAsync(screenshot);
        }

        await Page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
    }

    /// <summary>Connects a provider from the dashboard as a person would: the button, the consent page, back.</summary>
    public async Task ConnectFromDashboardAsync(string displayName)
    {
        await GotoAsync("/dashboard");
        await Page.GetByRole(AriaRole.Link, new() { Name = $"Connect {displayName}", Exact = true }).ClickAsync();
        await ApproveAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/dashboard$"));
        await Expect(Page.GetByText($"Your {displayName} account is connected.")).ToBeVisibleAsync();
    }

    /// <summary>Presses one of the dashboard's simulate buttons for a provider and waits for its message.</summary>
    public async Task SimulateAsync(string displayName, string button, int? count = null)
    {
        await GotoAsync("/dashboard");
        var panel = Page.Locator("fieldset").Filter(new() { Has = Page.GetByText(displayName, new() { Exact = true }) });
        if (count is { } n)
        {
            await panel.GetByLabel("Next").FillAsync(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await panel.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        await Expect(Page.Locator(".message")).ToBeVisibleAsync();
    }

    public Task ScreenshotAsync(string name)
        => Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await Host.DisposeAsync();
    }
}

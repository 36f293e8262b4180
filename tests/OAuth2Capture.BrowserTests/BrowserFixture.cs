using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(OAuth2Capture.BrowserTests.BrowserFixture))]

namespace OAuth2Capture.BrowserTests;

/// <summary>
/// One headless Chromium for the whole run: Debian's <c>/usr/bin/chromium</c>, driven by the Playwright driver the NuGet
/// package copies into the build output (<c>.playwright/</c>); <c>playwright install</c> is never used, so no download.
/// Without Chromium the tests skip, except when <c>CI=true</c>, where they fail.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser? Browser { get; private set; }

    public static bool RunningInCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return;
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>Skips the calling test when Chromium is missing locally; fails it on CI.</summary>
    public IBrowser RequireBrowser()
    {
        var message = $"Chromium is not installed at {ChromiumPath}; install it with: apt-get install -y chromium";
        if (Browser is null && RunningInCi)
        {
            Assert.Fail(message + " (CI=true, so the browser tests must run).");
        }

        Assert.SkipUnless(Browser is not null, message);
        return Browser!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}

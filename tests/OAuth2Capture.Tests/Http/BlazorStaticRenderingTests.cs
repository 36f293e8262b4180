using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// A Blazor Web App page rendered on the server (static rendering): <c>[RequireOAuthToken("dev")]</c> on the routable
/// component behaves as on a Razor page, with <c>app.UseOAuth2Capture()</c> in the pipeline. Blazor runs no MVC filters.
/// </summary>
public sealed class BlazorStaticRenderingTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;
    private ConnectAppHarness app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await ConnectAppHarness.StartAsync(dev,
            services: services => services.AddRazorComponents(),
            endpoints: web =>
            {
                web.UseOAuth2Capture();
                web.UseAntiforgery();
                web.MapRazorComponents<BlazorTestApp>();
            });
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Fact]
    public async Task A_page_with_RequireOAuthToken_sends_a_browser_to_connect_and_back_then_renders_with_the_token()
    {
        using var browser = new Browser();
        await app.SignInAsync(browser, "user-1", Ct);

        using var first = await browser.GetOnceAsync(app.Url("/blazor/repos"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fblazor%2Frepos", first.Headers.Location!.OriginalString);

        app.AsProviderUser(browser, "alice");
        using var page = await browser.GetAsync(app.Url(first.Headers.Location.OriginalString), Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(app.Url("/blazor/repos"), browser.Hops[^1]);
        Assert.Contains("blazor-token|Valid", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Single(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task A_page_with_RequireOAuthToken_answers_an_api_caller_403_with_reauthUrl_and_a_page_without_it_renders()
    {
        using var browser = new Browser { Accept = "application/json" };
        await app.SignInAsync(browser, "user-1", Ct);

        using var problem = await browser.GetOnceAsync(app.Url("/blazor/repos"), Ct);
        using var open = await browser.GetOnceAsync(app.Url("/blazor/open"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, problem.StatusCode);
        var body = await problem.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fblazor%2Frepos", body.GetProperty("reauthUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }
}

/// <summary>The test app's root component: a router over this assembly's routable components.</summary>
public sealed class BlazorTestApp : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<Router>(0);
        builder.AddComponentParameter(1, nameof(Router.AppAssembly), typeof(BlazorTestApp).Assembly);
        builder.AddComponentParameter(2, nameof(Router.Found), (RenderFragment<RouteData>)(route => inner =>
        {
            inner.OpenComponent<RouteView>(0);
            inner.AddComponentParameter(1, nameof(RouteView.RouteData), route);
            inner.CloseComponent();
        }));
        builder.CloseComponent();
    }
}

/// <summary>A page that needs a DevProvider token; it shows the token the requirement put on the request.</summary>
[Route("/blazor/repos")]
[RequireOAuthToken(CaptureHarness.Provider)]
public sealed class BlazorReposPage : ComponentBase
{
    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
        => builder.AddContent(0, $"blazor-token|{HttpContext?.GetOAuthToken(CaptureHarness.Provider)?.Status}");
}

/// <summary>A page without a requirement.</summary>
[Route("/blazor/open")]
public sealed class BlazorOpenPage : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, "blazor-open");
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// The links to the library's endpoints come from <c>LinkGenerator</c> where <c>MapOAuth2Capture()</c> mapped them
/// (a real app on Kestrel), and keep the same bytes as the fallback used where nothing is mapped.
/// </summary>
public sealed class EndpointLinksTests : IAsyncLifetime
{
    private static readonly PathString PathBase = "/app";
    private DevProviderServer dev = null!;
    private ConnectAppHarness app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await ConnectAppHarness.StartAsync(dev);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Fact]
    public void Links_to_mapped_endpoints_honour_the_path_base_and_match_the_unmapped_fallback_byte_for_byte()
    {
        var mapped = app.Services.GetRequiredService<OAuth2CaptureEndpointLinks>();
        var fallback = new OAuth2CaptureEndpointLinks(app.Services.GetRequiredService<IOptionsMonitor<OAuth2CaptureOptions>>());
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");

        foreach (var links in new[] { mapped, fallback })
        {
            Assert.Equal("/app/oauth2/github/connect?returnUrl=%2Fstatus%3Ffrom%3Dhere", links.Connect(PathBase, "GitHub", "/status?from=here"));
            Assert.Equal("/app/oauth2/dev/connect?returnUrl=%2Fposts%2Fdone&pendingAction=a%2Bb%3D%3D", links.Connect(PathBase, "dev", "/posts/done", "a+b=="));
            Assert.Equal("/oauth2/dev/connect", links.Connect(PathString.Empty, "dev"));
            Assert.Equal("/app/oauth2/", links.List(PathBase));
            Assert.Equal("/app/oauth2/6f9619ff-8b86-d011-b42d-00c04fc964ff/revoke", links.Revoke(PathBase, id));
        }
    }

    [Fact]
    public async Task Connect_url_from_a_request_carries_the_requests_path_base()
    {
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Request.PathBase = PathBase;

        Assert.Equal("/app/oauth2/dev/connect?returnUrl=%2Fuse", context.GetConnectUrl("dev", "/use"));

        // And the URL the app hands out leads to the mapped endpoint.
        using var browser = new Browser();
        await app.SignInAsync(browser, "user-1", Ct);
        using var response = await browser.GetOnceAsync(app.Url(context.GetConnectUrl("dev", "/use")[PathBase.Value!.Length..]), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(dev.BaseUri.Port, new Uri(app.BaseUri, response.Headers.Location!).Port);
    }
}

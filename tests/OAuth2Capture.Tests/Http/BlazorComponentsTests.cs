using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OAuth2Capture.Components;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// The Blazor components (interactive rendering has no request per event), rendered with bUnit over the library's real
/// services: a SQLite store, tokens from the DevProvider over HTTP, the circuit's user from Blazor's authentication state.
/// </summary>
public sealed class BlazorComponentsTests : IAsyncLifetime
{
    private readonly BunitContext blazor = new();
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"oauth2capture-blazor-{Guid.NewGuid():N}.db");
    private DevProviderServer dev = null!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        blazor.Services.AddOAuth2Capture(options => DevProviderTestSettings.Apply(options, dev, databasePath));
        blazor.Services.AddHttpClient(PostButton.ClientName, http => http.BaseAddress = dev.BaseUri).AddOAuth2CaptureToken(CaptureHarness.Provider);
        blazor.AddAuthorization().SetAuthorized("Alice").SetClaims(new Claim(ClaimTypes.NameIdentifier, "user-1"));
        foreach (var hosted in blazor.Services.GetServices<IHostedService>().OfType<OAuth2CaptureMigrationHostedService>())
        {
            await hosted.StartAsync(Ct);
        }

        blazor.Services.GetRequiredService<NavigationManager>().NavigateTo("/compose?draft=1");
    }

    public async ValueTask DisposeAsync()
    {
        await blazor.DisposeAsync();
        await dev.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(databasePath);
    }

    [Fact]
    public async Task RequireOAuthToken_renders_its_content_with_the_circuit_users_token()
    {
        await ConnectAsync();

        var rendered = blazor.Render<RequireOAuthToken>(parameters => parameters
            .Add(p => p.Provider, CaptureHarness.Provider)
            .Add(p => p.ChildContent, token => $"token|{token.Status}"));

        rendered.WaitForAssertion(() => Assert.Equal("token|Valid", rendered.Markup));
    }

    [Fact]
    public void RequireOAuthToken_without_a_connection_offers_a_full_page_connect_back_to_this_page()
    {
        var rendered = blazor.Render<RequireOAuthToken>(parameters => parameters
            .Add(p => p.Provider, CaptureHarness.Provider)
            .Add(p => p.ChildContent, token => "secret content"));

        rendered.WaitForAssertion(() =>
        {
            var link = rendered.Find("div.oauth2capture-prompt a");
            Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fcompose%3Fdraft%3D1", link.GetAttribute("href"));
            Assert.Equal("_top", link.GetAttribute("target")); // Blazor's router leaves it alone: a full page load
            Assert.Equal("Connect DevProvider", link.TextContent);
        });
        Assert.Contains("Connect your DevProvider account to continue.", rendered.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("secret content", rendered.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_connection_shows_the_reconnect_slot_and_the_banner_with_the_message()
    {
        var id = await ConnectAsync();
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        await MarkDeadAsync(id);

        var gate = blazor.Render<RequireOAuthToken>(parameters => parameters
            .Add(p => p.Provider, CaptureHarness.Provider)
            .Add(p => p.ChildContent, token => "secret content")
            .Add(p => p.Reconnect, prompt => $"reconnect|{prompt.Reason}|{prompt.ConnectUrl}"));
        var banner = blazor.Render<OAuthReauthBanner>();

        gate.WaitForAssertion(() => Assert.Equal("reconnect|Revoked|/oauth2/dev/connect?returnUrl=%2Fcompose%3Fdraft%3D1", gate.Markup));
        banner.WaitForAssertion(() =>
        {
            var alert = banner.Find("div.oauth2capture-reauth-banner[data-provider=dev]");
            Assert.Contains("Your DevProvider connection was revoked. Reconnect to continue.", alert.TextContent, StringComparison.Ordinal);
            Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fcompose%3Fdraft%3D1", alert.QuerySelector("a")!.GetAttribute("href"));
        });
    }

    [Fact]
    public async Task Reconnect_navigates_with_a_full_page_load()
    {
        var connections = blazor.Services.GetRequiredService<OAuthCircuitConnections>();
        var navigation = blazor.Services.GetRequiredService<BunitNavigationManager>();

        connections.Reconnect(CaptureHarness.Provider);

        var last = navigation.History.First();
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fcompose%3Fdraft%3D1", last.Uri);
        Assert.True(last.Options.ForceLoad);
        Assert.Equal("user-1", await connections.GetOwnerIdAsync());
    }

    [Fact]
    public async Task A_grant_the_API_finds_revoked_in_a_click_handler_turns_into_the_reconnect_prompt_in_the_error_boundary()
    {
        await ConnectAsync(); // the stored token looks valid for an hour
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        var rendered = blazor.Render<OAuthTokenErrorBoundary>(parameters => parameters
            .Add(p => p.ChildContent, (RenderFragment)(builder =>
            {
                builder.OpenComponent<PostButton>(0);
                builder.CloseComponent();
            })));

        await rendered.Find("button").ClickAsync(new());

        rendered.WaitForAssertion(() =>
        {
            var prompt = rendered.Find("div.oauth2capture-prompt[data-provider=dev]");
            Assert.Contains("Your DevProvider connection was revoked. Reconnect to continue.", prompt.TextContent, StringComparison.Ordinal);
            Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fcompose%3Fdraft%3D1", prompt.QuerySelector("a")!.GetAttribute("href"));
        });
        Assert.Equal(1, dev.Stats.ApiRequestsRejected);
    }

    private async Task<Guid> ConnectAsync()
        => (await DevConnection.CreateAsync(blazor.Services, dev, "user-1", "alice", DateTimeOffset.UtcNow, Ct)).Id;

    /// <summary>What the library records once a refresh or an API call found the grant revoked.</summary>
    private async Task MarkDeadAsync(Guid id)
    {
        await using var scope = blazor.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var row = (await store.FindByIdAsync(id, Ct))!;
        row.Status = ConnectionHealth.ReauthRequired;
        row.ReauthReason = ReauthReason.Revoked;
        row.LastErrorAt = DateTimeOffset.UtcNow;
        Assert.True(await store.TryUpdateAsync(row, Ct));
    }
}

/// <summary>A component whose click handler posts to the provider's API in straight-line code, as an app would.</summary>
public sealed class PostButton : ComponentBase
{
    public const string ClientName = "dev-api";

    [Inject]
    private IHttpClientFactory Clients { get; set; } = null!;

    [Inject]
    private OAuthCircuitConnections Connections { get; set; } = null!;

    protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "button");
        builder.AddAttribute(1, "onclick", EventCallback.Factory.Create(this, PostAsync));
        builder.AddContent(2, "Post");
        builder.CloseElement();
    }

    private async Task PostAsync()
    {
        var owner = await Connections.GetOwnerIdAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/posts") { Content = System.Net.Http.Json.JsonContent.Create(new { text = "hello" }) };
        using var response = await Clients.CreateClient(ClientName).SendAsync(request.SetOAuth2CaptureOwner(owner!));
        response.EnsureSuccessStatusCode();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// The library's problem details go through the app's <c>IProblemDetailsService</c> when it called <c>AddProblemDetails</c>,
/// so its <c>CustomizeProblemDetails</c> applies; real apps on Kestrel against the DevProvider.
/// </summary>
public sealed class ProblemDetailsServiceTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => dev = await DevProviderServer.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await dev.DisposeAsync();

    [Fact]
    public async Task Unknown_provider_with_AddProblemDetails_answers_404_with_the_apps_customization_and_the_librarys_members()
    {
        await using var app = await ConnectAppHarness.StartAsync(dev, services: AddCustomizedProblemDetails);
        using var browser = new Browser();
        await app.SignInAsync(browser, "user-1", Ct);

        var problem = await GetProblemAsync(browser, app.Url("/oauth2/myspace/connect"), HttpStatusCode.NotFound);

        Assert.Equal("custom", problem.GetProperty("app").GetString());
        Assert.Equal("/oauth2/myspace/connect", problem.GetProperty("seenPath").GetString());
        Assert.Equal("urn:oauth2capture:problem:unknown_provider", problem.GetProperty("type").GetString());
        Assert.Equal("Unknown provider", problem.GetProperty("title").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Equal("/oauth2/myspace/connect", problem.GetProperty("instance").GetString());
        Assert.Equal("unknown_provider", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Unknown_provider_without_AddProblemDetails_answers_the_librarys_own_problem_unchanged()
    {
        await using var app = await ConnectAppHarness.StartAsync(dev);
        using var browser = new Browser();
        await app.SignInAsync(browser, "user-1", Ct);

        var problem = await GetProblemAsync(browser, app.Url("/oauth2/myspace/connect"), HttpStatusCode.NotFound);

        Assert.Equal(
            ["type", "title", "status", "detail", "instance", "code", "action"],
            problem.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Reauth_required_from_RequireOAuthToken_with_AddProblemDetails_answers_403_with_the_apps_customization_and_the_reauth_members()
    {
        await using var app = await WebAppHarness.StartAsync(dev, AddCustomizedProblemDetails);
        await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.ExpireRefreshTokensAsync("alice", Ct);
        app.ExpireAccessTokens();
        using var api = app.Api();

        using var response = await api.GetAsync("api/repos", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("custom", problem.GetProperty("app").GetString());
        Assert.Equal("urn:oauth2capture:problem:reauth_required", problem.GetProperty("type").GetString());
        Assert.Equal("reauth_required", problem.GetProperty("code").GetString());
        Assert.Equal("RefreshTokenExpired", problem.GetProperty("reason").GetString());
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fapi%2Frepos", problem.GetProperty("reauthUrl").GetString());
        Assert.Equal("OAuth2Capture", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Temporarily_unavailable_with_AddProblemDetails_keeps_the_RetryAfter_header_and_member()
    {
        await using var app = await WebAppHarness.StartAsync(dev, AddCustomizedProblemDetails);
        await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 1000);
        app.ExpireAccessTokens();
        using var api = app.Api();

        using var response = await api.GetAsync("api/repos", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("custom", problem.GetProperty("app").GetString());
        Assert.Equal("temporarily_unavailable", problem.GetProperty("code").GetString());
        Assert.Equal(30, problem.GetProperty("retryAfter").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
    }

    private static void AddCustomizedProblemDetails(IServiceCollection services)
        => services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["app"] = "custom";
            context.ProblemDetails.Extensions["seenPath"] = context.HttpContext.Request.Path.Value;
        });

    private static async Task<JsonElement> GetProblemAsync(Browser browser, Uri url, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await browser.SendAsync(request, follow: false, Ct);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }
}

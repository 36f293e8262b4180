using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// An <see cref="OAuthTokenException"/> that escapes a minimal-API endpoint, an MVC action or a Razor page is answered by
/// <c>app.UseOAuth2Capture()</c> exactly as <c>.RequireOAuthToken()</c> / <c>[RequireOAuthToken]</c> answer the same
/// state, in a real app on Kestrel against the DevProvider over HTTP (<see cref="TokenExceptionEndpoints"/>).
/// </summary>
public sealed class TokenExceptionAnswerTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;
    private WebAppHarness app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await WebAppHarness.StartAsync(dev);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    public enum State
    {
        NotConnected,
        Revoked,
        ProviderDown,
        ConfigurationError,
    }

    public static TheoryData<State, string, string, bool> StatesAndEndpoints()
    {
        var data = new TheoryData<State, string, string, bool>();
        foreach (var state in Enum.GetValues<State>())
        {
            foreach (var browser in new[] { false, true })
            {
                data.Add(state, "api/required", "api/repos", browser); // minimal API: the exception vs .RequireOAuthToken()
                data.Add(state, "mvc/required", "repos", browser);     // MVC: the exception vs [RequireOAuthToken]
                data.Add(state, "pages/required", "pages/filtered", browser); // Razor Pages: the same
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StatesAndEndpoints))]
    public async Task Escaping_exception_answers_exactly_as_RequireOAuthToken_for_the_same_state(State state, string escaping, string filtered, bool browser)
    {
        await ArrangeAsync(state);
        using var client = browser ? app.Browser() : app.Api();

        using var byFilter = await client.GetAsync(filtered, Ct);
        using var byException = await client.GetAsync(escaping, Ct);

        var expected = await DescribeAsync(byFilter, filtered);
        Assert.Equal(expected, await DescribeAsync(byException, escaping));
        Assert.Equal(ExpectedStatus(state, browser), byException.StatusCode);
    }

    [Theory]
    [InlineData("api/required", "\"status\":\"Valid\"")]
    [InlineData("mvc/required", "\"status\":\"Valid\"")]
    [InlineData("pages/required", "<p>Valid</p>")]
    [InlineData("pages/filtered", "<p>Valid</p>")]
    public async Task Straight_line_endpoint_with_a_usable_token_runs(string path, string expected)
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        using var browser = app.Browser();

        using var response = await browser.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/required?tab=a%20b&x=1")]
    [InlineData("mvc/required?tab=a%20b&x=1")]
    [InlineData("pages/required?tab=a%20b&x=1")]
    public async Task Escaping_TokenNotConnectedException_redirects_a_browser_to_connect_with_the_original_url_and_the_message(string path)
    {
        using var browser = app.Browser("newcomer");

        using var response = await browser.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/oauth2/dev/connect?returnUrl=" + Uri.EscapeDataString("/" + path), response.Headers.Location!.OriginalString);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("Connect your DevProvider account to continue.", await browser.GetStringAsync("message", Ct));
    }

    [Theory]
    [InlineData("api/required")]
    [InlineData("mvc/required")]
    public async Task Escaping_TokenRevokedException_answers_an_api_caller_403_Revoked_with_reauthUrl_and_logs_no_error(string path)
    {
        var id = await ArrangeAsync(State.Revoked);
        using var api = app.Api();

        using var response = await api.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("reauth_required", problem.GetProperty("code").GetString());
        Assert.Equal("Revoked", problem.GetProperty("reason").GetString());
        Assert.Equal("/oauth2/dev/connect?returnUrl=" + Uri.EscapeDataString("/" + path), problem.GetProperty("reauthUrl").GetString());
        Assert.Equal(ConnectionHealth.ReauthRequired, (await app.ReadRowAsync(id!.Value))!.Status);
        var answered = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 1103);
        Assert.Equal(LogLevel.Information, answered.Level);
        Assert.Equal("TokenExceptionAnswered", answered.Id.Name);
        Assert.Null(answered.Exception);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Escaping_TokenRefreshException_answers_503_with_the_providers_RetryAfter_and_no_reconnect()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.TooManyRequests, 1, TimeSpan.FromMinutes(2));
        app.ExpireAccessTokens();
        using var api = app.Api();

        using var response = await api.GetAsync("api/required", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(2), response.Headers.RetryAfter?.Delta);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("temporarily_unavailable", problem.GetProperty("code").GetString());
        Assert.False(problem.TryGetProperty("reauthUrl", out _));
        Assert.Equal(LogLevel.Warning, Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 1103).Level);
    }

    [Fact]
    public async Task Escaping_OAuthConfigurationException_answers_500_and_logs_the_operator_error_1101()
    {
        await ArrangeAsync(State.ConfigurationError);
        using var browser = app.Browser();

        using var response = await browser.GetAsync("mvc/required", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Error code: configuration_error", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/connect", page, StringComparison.Ordinal);
        var logged = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 1101);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("/mvc/required", logged.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/required/scope", "api/repos/write")]
    [InlineData("mvc/required/scope", "repos/write")]
    public async Task Escaping_InsufficientScopeException_answers_as_the_filter_does_for_a_missing_scope_and_keeps_the_connection(string escaping, string filtered)
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct); // granted: openid profile offline_access read
        using var api = app.Api();
        using var browser = app.Browser();

        foreach (var client in new[] { api, browser })
        {
            using var byFilter = await client.GetAsync(filtered, Ct);
            using var byException = await client.GetAsync(escaping, Ct);
            Assert.Equal(await DescribeAsync(byFilter, filtered), await DescribeAsync(byException, escaping));
        }

        using var problem = await api.GetAsync(escaping, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, problem.StatusCode);
        Assert.Equal("InsufficientScope", (await ReadJsonAsync(problem)).GetProperty("reason").GetString());
        Assert.Equal(ConnectionHealth.Active, (await app.ReadRowAsync(id))!.Status);
        using var ok = await api.GetAsync("api/required", Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Revoked_grant_found_by_the_token_handler_at_the_api_answers_403_Revoked_and_redirects_browsers_to_reconnect()
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        using var api = app.Api();
        using var browser = app.Browser();
        using (var alive = await api.GetAsync("api/me", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        await dev.Faults.RevokeGrantAsync("alice", Ct); // the stored access token stays unexpired for an hour

        using var response = await api.GetAsync("api/me", Ct);
        using var page = await browser.GetAsync("api/me", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("Revoked", problem.GetProperty("reason").GetString());
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fapi%2Fme", problem.GetProperty("reauthUrl").GetString());
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fapi%2Fme", page.Headers.Location!.OriginalString);
        Assert.Equal(ConnectionHealth.ReauthRequired, (await app.ReadRowAsync(id))!.Status);
    }

    [Fact]
    public async Task Token_handler_exception_about_an_owner_the_request_named_propagates_for_another_signed_in_user()
    {
        using var api = app.Api("user-1");

        using var own = await api.GetAsync("api/me?owner=user-1", Ct);
        using var other = await api.GetAsync("api/me?owner=someone-else", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, other.StatusCode);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Exception is TokenNotConnectedException);
    }

    [Fact]
    public async Task Exception_after_the_response_started_propagates_and_is_not_answered()
    {
        using var api = app.Api("newcomer");

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => api.GetAsync("api/required/started", Ct));

        Assert.Contains(app.Logs.GetSnapshot(), r => r.Exception is TokenNotConnectedException);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 1103);
    }

    [Theory]
    [InlineData(null, "user-1")]
    [InlineData("user-1", "someone-else")]
    public async Task Exception_for_an_anonymous_caller_or_about_another_owners_connection_propagates(string? signedIn, string owner)
    {
        using var api = app.Api(signedIn);
        using var browser = app.Browser(signedIn);

        using var apiResponse = await api.GetAsync($"api/required/for?owner={owner}", Ct);
        using var browserResponse = await browser.GetAsync($"api/required/for?owner={owner}", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, apiResponse.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, browserResponse.StatusCode);
        Assert.Null(browserResponse.Headers.Location);
        Assert.Equal(2, app.Logs.GetSnapshot().Count(r => r.Exception is TokenNotConnectedException));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Id.Id == 1103);
    }

    [Theory]
    [InlineData("api/guarded/probe")]
    [InlineData("mvc/guarded/probe")]
    [InlineData("pages/guarded/probe")]
    public async Task Without_UseOAuth2Capture_the_RequireOAuthToken_filters_answer_an_exception_escaping_their_endpoint(string path)
    {
        await using var bare = await WebAppHarness.StartAsync(dev, useOAuth2Capture: false);
        await bare.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.RevokeGrantAsync("alice", Ct); // the stored access token is not expired: the filter lets the endpoint run
        using var api = bare.Api();
        using var browser = bare.Browser();

        using var apiResponse = await api.GetAsync(path, Ct);
        using var browserResponse = await browser.GetAsync(path, Ct);
        using var unguarded = await api.GetAsync("api/required/for?owner=newcomer", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, apiResponse.StatusCode);
        Assert.Equal("Revoked", (await ReadJsonAsync(apiResponse)).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Redirect, browserResponse.StatusCode);
        Assert.Equal("/oauth2/dev/connect?returnUrl=" + Uri.EscapeDataString("/" + path), browserResponse.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.InternalServerError, unguarded.StatusCode); // nothing answers an unguarded endpoint's exception
    }

    /// <summary>Puts user-1's connection into <paramref name="state"/>; answers its id.</summary>
    private async Task<Guid?> ArrangeAsync(State state)
    {
        if (state == State.NotConnected)
        {
            return null;
        }

        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);

        switch (state)
        {
            case State.Revoked:
                await dev.Faults.RevokeGrantAsync("alice", Ct);
                break;
            case State.ProviderDown:
                dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 1000);
                break;
            case State.ConfigurationError:
                dev.Faults.RejectClientSecret = true;
                break;
        }

        app.ExpireAccessTokens();
        return id;
    }

    private static HttpStatusCode ExpectedStatus(State state, bool browser) => state switch
    {
        State.NotConnected or State.Revoked => browser ? HttpStatusCode.Redirect : HttpStatusCode.Forbidden,
        State.ProviderDown => HttpStatusCode.ServiceUnavailable,
        State.ConfigurationError => HttpStatusCode.InternalServerError,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>Status, the headers that carry the answer, and the body, with the request's own path (in the return URL and the problem's instance) taken out.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response, string path)
    {
        var local = "/" + path;
        var body = await response.Content.ReadAsStringAsync(Ct);
        var description = string.Join('\n',
            $"{(int)response.StatusCode} {response.Content.Headers.ContentType}",
            $"Cache-Control: {response.Headers.CacheControl}",
            $"Retry-After: {response.Headers.RetryAfter}",
            $"Location: {response.Headers.Location?.OriginalString}",
            $"WWW-Authenticate: {string.Join(", ", response.Headers.WwwAuthenticate)}",
            $"Set-Cookie: {(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? string.Join(", ", cookies.Select(c => c.Split('=')[0]).Distinct()) : string.Empty)}",
            body);
        description = description.Replace(Uri.EscapeDataString(local), "{path}", StringComparison.Ordinal).Replace($"\"{local}\"", "\"{path}\"", StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(description, "scopes=[A-Za-z0-9_-]+", "scopes={sealed}"); // each seal is new ciphertext
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OAuth2Capture.DevProvider;

namespace OAuth2Capture.Tests.DevProvider;

/// <summary>The DevProvider's protected API (<c>api/me</c>, <c>api/posts</c>): real token checks at every call, and its fault switches.</summary>
public sealed class DevProviderApiTests
{
    private static readonly string[] WithWrite = ["openid", "profile", "offline_access", "read", "write"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Valid_token_reads_me_and_with_write_posts_and_reads_the_post_back()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await ObtainAsync(dev, "alice", WithWrite);

        using (var me = await SendAsync(dev, HttpMethod.Get, "api/me", tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal("alice", (await me.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("sub").GetString());
        }

        using (var post = await SendAsync(dev, HttpMethod.Post, "api/posts", tokens.AccessToken, JsonContent.Create(new { text = "hello" })))
        {
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
            var created = await post.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("hello", created.GetProperty("text").GetString());
            Assert.Equal("alice", created.GetProperty("author").GetString());
        }

        using var list = await SendAsync(dev, HttpMethod.Get, "api/posts", tokens.AccessToken);
        Assert.Equal("hello", Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray()).GetProperty("text").GetString());
        Assert.Equal(3, dev.Stats.ApiRequests);
    }

    [Fact]
    public async Task Revoked_grant_fails_at_once_with_401_invalid_token_long_before_the_token_expires()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await ObtainAsync(dev, "alice", WithWrite);
        await dev.Faults.RevokeGrantAsync("alice", Ct);

        using var me = await SendAsync(dev, HttpMethod.Get, "api/me", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        var challenge = Assert.Single(me.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.True(tokens.ExpiresIn > 60);
    }

    [Fact]
    public async Task Posting_without_the_write_scope_is_403_insufficient_scope_naming_it()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await ObtainAsync(dev, "alice", ["openid", "profile", "offline_access", "read"]);

        using var post = await SendAsync(dev, HttpMethod.Post, "api/posts", tokens.AccessToken, JsonContent.Create(new { text = "hello" }));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains("error=\"insufficient_scope\", scope=\"write\"", Assert.Single(post.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DevApiFault.Unauthorized, HttpStatusCode.Unauthorized)]
    [InlineData(DevApiFault.InsufficientScope, HttpStatusCode.Forbidden)]
    [InlineData(DevApiFault.TooManyRequests, HttpStatusCode.TooManyRequests)]
    [InlineData(DevApiFault.ServiceUnavailable, HttpStatusCode.ServiceUnavailable)]
    public async Task Each_API_fault_answers_one_call_whatever_the_token_then_calls_are_served(DevApiFault fault, HttpStatusCode expected)
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await ObtainAsync(dev, "alice", WithWrite);
        dev.Faults.FailNextApiCalls(fault, retryAfter: TimeSpan.FromSeconds(3));

        using (var faulted = await SendAsync(dev, HttpMethod.Get, "api/me", tokens.AccessToken))
        {
            Assert.Equal(expected, faulted.StatusCode);
            if (fault is DevApiFault.TooManyRequests or DevApiFault.ServiceUnavailable)
            {
                Assert.Equal(TimeSpan.FromSeconds(3), faulted.Headers.RetryAfter?.Delta);
            }
        }

        using var next = await SendAsync(dev, HttpMethod.Get, "api/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(0, dev.Faults.PendingApiFaults);
    }

    [Fact]
    public async Task The_control_API_queues_API_faults_refuses_unknown_kinds_and_reset_clears_them()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = dev.ControlEndpoint };

        using (var bad = await http.PostAsync("faults/api?kind=Nope", null, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("TooManyRequests", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var queued = await http.PostAsync("faults/api?kind=ServiceUnavailable&count=2", null, Ct))
        {
            Assert.Equal(2, (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("pending").GetInt32());
        }

        using (await http.PostAsync("reset", null, Ct))
        {
            Assert.Equal(0, dev.Faults.PendingApiFaults);
        }
    }

    [Fact]
    public async Task Expired_access_token_is_401_invalid_token_and_counted_as_rejected_never_served()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await ObtainAsync(dev, "alice", WithWrite);
        await dev.Faults.ExpireAccessTokensAsync("alice", Ct);

        using var post = await SendAsync(dev, HttpMethod.Post, "api/posts", tokens.AccessToken, JsonContent.Create(new { text = "hello" }));

        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Contains("error=\"invalid_token\", error_description=", Assert.Single(post.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
        Assert.Equal((1, 0, 1, 0), (dev.Stats.ApiRequests, dev.Stats.ApiRequestsServed, dev.Stats.ApiRequestsRejected, dev.Stats.ApiRequestsFaulted));
    }

    [Fact]
    public async Task A_users_API_fault_answers_only_that_users_valid_calls_and_the_stats_count_it_as_faulted()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var alice = await ObtainAsync(dev, "alice", WithWrite);
        var bob = await ObtainAsync(dev, "bob", WithWrite);
        dev.Faults.FailNextApiCalls("alice", DevApiFault.TooManyRequests, retryAfter: TimeSpan.FromSeconds(7));

        using (var bobs = await SendAsync(dev, HttpMethod.Get, "api/me", bob.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, bobs.StatusCode);
        }

        using (var junk = await SendAsync(dev, HttpMethod.Get, "api/me", "not-a-token"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, junk.StatusCode);
        }

        Assert.Equal(1, dev.Faults.PendingApiFaultsOf("alice"));
        using (var faulted = await SendAsync(dev, HttpMethod.Get, "api/me", alice.AccessToken))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, faulted.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), faulted.Headers.RetryAfter?.Delta);
        }

        using var next = await SendAsync(dev, HttpMethod.Get, "api/me", alice.AccessToken);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal((4, 2, 1, 1), (dev.Stats.ApiRequests, dev.Stats.ApiRequestsServed, dev.Stats.ApiRequestsRejected, dev.Stats.ApiRequestsFaulted));
    }

    [Fact]
    public async Task The_control_API_queues_a_users_API_fault_reports_the_outcomes_and_reset_clears_it()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await ObtainAsync(dev, "alice", WithWrite);
        using var http = new HttpClient { BaseAddress = dev.ControlEndpoint };

        using (var bad = await http.PostAsync("users/alice/faults/api?kind=Nope", null, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var queued = await http.PostAsync("users/alice/faults/api?kind=Unauthorized&count=2", null, Ct))
        {
            Assert.Equal(2, (await queued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("pending").GetInt32());
        }

        using (var faulted = await SendAsync(dev, HttpMethod.Get, "api/me", tokens.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, faulted.StatusCode);
            Assert.Contains("error=\"invalid_token\"", Assert.Single(faulted.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
        }

        using (var stats = await http.GetAsync("stats", Ct))
        {
            var json = await stats.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(1, json.GetProperty("apiRequestsFaulted").GetInt64());
            Assert.Equal(0, json.GetProperty("apiRequestsServed").GetInt64());
        }

        using (await http.PostAsync("reset", null, Ct))
        {
            Assert.Equal(0, dev.Faults.PendingApiFaultsOf("alice"));
        }

        using var served = await SendAsync(dev, HttpMethod.Get, "api/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    private static Task<TokenResponse> ObtainAsync(DevProviderServer dev, string user, string[] scopes)
        => DevProviderFlow.ObtainTokensAsync(dev, user, dev.Options.ClientId, dev.Options.ClientSecret, dev.Options.RedirectUris[0].ToString(), scopes, Ct);

    private static async Task<HttpResponseMessage> SendAsync(DevProviderServer dev, HttpMethod method, string path, string accessToken, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(dev.BaseUri, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await DevProviderFlow.Http.SendAsync(request, Ct);
    }
}

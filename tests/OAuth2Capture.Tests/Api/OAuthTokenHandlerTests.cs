using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Api;

/// <summary>
/// <c>AddOAuth2CaptureToken</c> on an app's own HTTP client, called from a background job (a generic host, no HTTP request),
/// against the DevProvider over real HTTP: its user-info endpoint is the protected API (OpenIddict checks the access token
/// at every call, so a revoked grant fails at once, long before the token's expiry).
/// </summary>
public sealed class OAuthTokenHandlerTests
{
    private const string Api = "api";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Attaches_the_named_owners_token_and_without_an_owner_throws_naming_what_is_missing_without_sending()
    {
        await using var s = await HandlerScenario.StartAsync();

        using (var response = await s.Client.SendAsync(UserInfo().SetOAuth2CaptureOwner("user-1"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("alice", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("sub").GetString());
        }

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => s.Client.SendAsync(UserInfo(), Ct));
        Assert.Contains("request.SetOAuth2CaptureOwner(userId)", missing.Message, StringComparison.Ordinal);
        var notConnected = await Assert.ThrowsAsync<TokenNotConnectedException>(() => s.Client.SendAsync(UserInfo().SetOAuth2CaptureOwner("user-2"), Ct));
        Assert.Equal("dev", notConnected.Provider);
        Assert.Equal(1, s.Sent.ApiCalls);
    }

    [Fact]
    public async Task Revoked_grant_with_an_access_token_valid_for_an_hour_is_found_dead_at_the_first_API_call_by_100_callers_with_one_refresh()
    {
        await using var s = await HandlerScenario.StartAsync();
        await s.Dev.Faults.RevokeGrantAsync("alice", Ct);
        Assert.Equal(TokenStatus.Valid, (await s.App.GetAsync("user-1", Ct)).Status); // the store alone cannot know

        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(() => s.Client.SendAsync(UserInfo().SetOAuth2CaptureOwner("user-1"), Ct), Ct)).ToList();
        var failures = await Task.WhenAll(calls.Select(call => Assert.ThrowsAsync<TokenRevokedException>(() => call)));

        Assert.All(failures, failure => Assert.Equal(ReauthReason.Revoked, failure.Result.Reason));
        Assert.Equal(1, s.Dev.Stats.RefreshRequests);
        var row = (await s.App.ReadRowAsync(s.ConnectionId))!;
        Assert.Equal(ConnectionHealth.ReauthRequired, row.Status);
        Assert.Equal(ReauthReason.Revoked, row.ReauthReason);
        Assert.Equal(TokenStatus.ReauthRequired, (await s.App.GetAsync("user-1", Ct)).Status);

        // Known dead: the next call is refused before anything is sent.
        var before = s.Sent.ApiCalls;
        await Assert.ThrowsAsync<TokenRevokedException>(() => s.Client.SendAsync(UserInfo().SetOAuth2CaptureOwner("user-1"), Ct));
        Assert.Equal(before, s.Sent.ApiCalls);
    }

    [Fact]
    public async Task Access_token_rejected_while_the_grant_lives_is_renewed_once_and_a_replayable_request_is_sent_again_once()
    {
        await using var s = await HandlerScenario.StartAsync();
        await s.Dev.Faults.ExpireAccessTokensAsync("alice", Ct);

        using var response = await s.Client.SendAsync(UserInfo().SetOAuth2CaptureOwner("user-1"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, s.Sent.ApiCalls);
        Assert.Equal(1, s.Dev.Stats.RefreshRequests);
        var row = (await s.App.ReadRowAsync(s.ConnectionId))!;
        Assert.Equal(ConnectionHealth.Active, row.Status);
        var renewed = s.App.Unprotect(row.EncryptedAccessToken);
        Assert.NotEqual(s.Tokens.AccessToken, renewed);

        // Tokens never reach the logs (messages, structured state, exceptions), at Trace: the access token sent, the one
        // renewed, the refresh tokens. The client factory's default header logging would carry the Authorization value in
        // its state, so the handler's client logs without headers instead.
        var secrets = new[] { s.Tokens.AccessToken, renewed, s.Tokens.RefreshToken!, s.App.Unprotect(row.EncryptedRefreshToken!) };
        var logged = s.App.Logs.GetSnapshot();
        Assert.Contains(logged, record => record.Category == "OAuth2Capture.Api." + Api && record.Id.Name == "ApiRequestAnswered");
        Assert.DoesNotContain(logged, record => record.Category?.StartsWith("System.Net.Http.HttpClient." + Api, StringComparison.Ordinal) == true);
        Assert.All(logged, record => Assert.False(secrets.Any(secret =>
            record.Message.Contains(secret, StringComparison.Ordinal)
            || (record.StructuredState ?? []).Any(pair => pair.Value?.Contains(secret, StringComparison.Ordinal) == true)
            || record.Exception?.ToString().Contains(secret, StringComparison.Ordinal) == true), $"{record.Category} {record.Id}: {record.Message}"));
    }

    [Fact]
    public async Task Renewed_token_is_not_sent_twice_with_content_that_cannot_be_replayed()
    {
        await using var s = await HandlerScenario.StartAsync();
        await s.Dev.Faults.ExpireAccessTokensAsync("alice", Ct);
        using var stream = new MemoryStream("scope=read"u8.ToArray());
        using var post = new HttpRequestMessage(HttpMethod.Post, "connect/userinfo") { Content = new StreamContent(stream) };
        post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var rejected = await s.Client.SendAsync(post.SetOAuth2CaptureOwner("user-1"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(1, s.Sent.ApiCalls);
        Assert.Equal(1, s.Dev.Stats.RefreshRequests);
        using var next = await s.Client.SendAsync(UserInfo().SetOAuth2CaptureOwner("user-1"), Ct);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode); // the renewed token is stored for the next request
    }

    [Fact]
    public async Task Revoked_grant_of_a_connection_that_cannot_renew_is_confirmed_by_one_probe_for_100_callers()
    {
        await using var s = await HandlerScenario.StartAsync();
        await DropRefreshTokenAsync(s.App, s.ConnectionId);
        await s.Dev.Faults.RevokeGrantAsync("alice", Ct);

        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(() => s.Client.SendAsync(UserInfo().SetOAuth2CaptureOwner("user-1"), Ct), Ct)).ToList();
        var failures = await Task.WhenAll(calls.Select(call => Assert.ThrowsAsync<TokenRevokedException>(() => call)));

        Assert.All(failures, failure => Assert.Equal(ReauthReason.Revoked, failure.Result.Reason));
        Assert.Equal(0, s.Dev.Stats.RefreshRequests);
        Assert.Equal(1, s.Sent.Probes);
        Assert.Equal(ReauthReason.Revoked, (await s.App.ReadRowAsync(s.ConnectionId))!.ReauthReason);
    }

    [Fact]
    public async Task A_401_the_provider_contradicts_leaves_the_connection_active_and_returns_the_APIs_answer()
    {
        await using var s = await HandlerScenario.StartAsync();
        await DropRefreshTokenAsync(s.App, s.ConnectionId);
        s.Dev.Faults.FailNextApiCalls(DevApiFault.Unauthorized);

        using var response = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/me").SetOAuth2CaptureOwner("user-1"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, s.Sent.Probes);
        Assert.Equal(ConnectionHealth.Active, (await s.App.ReadRowAsync(s.ConnectionId))!.Status);
        Assert.Contains(s.App.Logs.GetSnapshot(), record => record.Id.Name == "AccessTokenRejectionContradicted");
        using var next = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/me").SetOAuth2CaptureOwner("user-1"), Ct);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_403_insufficient_scope_throws_InsufficientScope_naming_the_scope_and_keeps_the_connection_usable()
    {
        await using var s = await HandlerScenario.StartAsync((options, _) => options.Providers[CaptureHarness.Provider].Scopes = ["openid", "profile", "offline_access", "read", "write"]);
        // alice's grant was obtained without write

        var failure = await Assert.ThrowsAsync<InsufficientScopeException>(() => s.Client.SendAsync(Post("hello").SetOAuth2CaptureOwner("user-1"), Ct));

        Assert.Equal(ReauthReason.InsufficientScope, failure.Result.Reason);
        Assert.Contains("write", failure.Result.ErrorDescription, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.Active, (await s.App.ReadRowAsync(s.ConnectionId))!.Status);
        using var me = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/me").SetOAuth2CaptureOwner("user-1"), Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(0, s.Sent.Probes);
    }

    [Fact]
    public async Task A_403_insufficient_scope_for_a_scope_the_app_does_not_configure_names_it_for_the_reconnect()
    {
        await using var s = await HandlerScenario.StartAsync();

        var failure = await Assert.ThrowsAsync<InsufficientScopeException>(() => s.Client.SendAsync(Post("hello").SetOAuth2CaptureOwner("user-1"), Ct));

        Assert.Equal(["write"], failure.Result.MissingScopes);
        Assert.Equal(ConnectionHealth.Active, (await s.App.ReadRowAsync(s.ConnectionId))!.Status);
    }

    [Fact]
    public async Task A_connection_id_of_another_provider_is_refused_before_sending()
    {
        await using var s = await HandlerScenario.StartAsync((options, dev) => options.Providers["other"] = DevProviderTestSettings.Provider(dev, "Other"));
        var other = s.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient("other-api");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => other.SendAsync(UserInfo().SetOAuth2CaptureConnection(s.ConnectionId), Ct));

        Assert.Contains("belongs to 'dev'", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, s.Sent.ApiCalls);
    }

    private static HttpRequestMessage UserInfo() => new(HttpMethod.Get, "connect/userinfo");

    private static HttpRequestMessage Post(string text) => new(HttpMethod.Post, "api/posts") { Content = JsonContent.Create(new { text }) };

    /// <summary>
    /// A DevProvider, an app host whose <c>api</c> client has <c>AddOAuth2CaptureToken("dev")</c> (and an <c>other-api</c>
    /// client for the provider <c>other</c>), and user-1's connection as alice, with what reached the DevProvider counted.
    /// </summary>
    private sealed class HandlerScenario : IAsyncDisposable
    {
        private HandlerScenario(DevProviderServer dev, ProviderCallCounter sent, CaptureHarness app, Guid connectionId, TokenResponse tokens)
        {
            (Dev, Sent, App, ConnectionId, Tokens) = (dev, sent, app, connectionId, tokens);
            Client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(Api);
        }

        public DevProviderServer Dev { get; }

        public ProviderCallCounter Sent { get; }

        public CaptureHarness App { get; }

        public Guid ConnectionId { get; }

        public TokenResponse Tokens { get; }

        public HttpClient Client { get; }

        public static async Task<HandlerScenario> StartAsync(Action<OAuth2CaptureOptions, DevProviderServer>? configure = null)
        {
            var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
            var sent = new ProviderCallCounter(dev);
            var app = await CaptureHarness.StartAsync(dev, options => configure?.Invoke(options, dev), services =>
            {
                services.AddHttpClient(Api, http => http.BaseAddress = dev.BaseUri).AddOAuth2CaptureToken(CaptureHarness.Provider)
                    .AddHttpMessageHandler(() => new CountingHandler(sent, probe: false));
                services.AddHttpClient("other-api", http => http.BaseAddress = dev.BaseUri).AddOAuth2CaptureToken("other")
                    .AddHttpMessageHandler(() => new CountingHandler(sent, probe: false));
                services.AddHttpClient("OAuth2Capture." + CaptureHarness.Provider).AddHttpMessageHandler(() => new CountingHandler(sent, probe: true));
            });
            var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
            return new HandlerScenario(dev, sent, app, id, tokens);
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Dev.DisposeAsync();
        }
    }

    private static async Task DropRefreshTokenAsync(CaptureHarness app, Guid id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var row = (await store.FindByIdAsync(id, Ct))!;
        row.EncryptedRefreshToken = null;
        Assert.True(await store.TryUpdateAsync(row, Ct));
    }

    /// <summary>Counts what reached the DevProvider: API calls through the app's client, probes through the library's.</summary>
    private sealed class ProviderCallCounter(DevProviderServer dev)
    {
        private int apiCalls;
        private int probes;

        public int ApiCalls => Volatile.Read(ref apiCalls);

        public int Probes => Volatile.Read(ref probes);

        public void Count(HttpRequestMessage request, bool probe)
        {
            if (!probe)
            {
                Interlocked.Increment(ref apiCalls);
            }
            else if (request.RequestUri == dev.IntrospectionEndpoint || request.RequestUri == dev.UserInfoEndpoint)
            {
                Interlocked.Increment(ref probes);
            }
        }
    }

    private sealed class CountingHandler(ProviderCallCounter counter, bool probe) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Count(request, probe);
            return base.SendAsync(request, cancellationToken);
        }
    }
}

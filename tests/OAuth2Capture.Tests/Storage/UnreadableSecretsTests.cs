using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Background;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// Connections whose stored tokens this instance cannot decrypt, reproduced with real Data Protection key rings on disk:
/// the app keeps its keys in a directory, and the row was written by an instance with a key ring of its own
/// (<see cref="OtherInstanceKeyRing"/>), as when two instances do not share keys or a redeploy lost them.
/// </summary>
public sealed class UnreadableSecretsTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;
    private DirectoryInfo keyRing = null!;
    private OtherInstanceKeyRing other = null!;
    private WebAppHarness? app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        keyRing = Directory.CreateTempSubdirectory("oauth2capture-keys-");
        other = new OtherInstanceKeyRing();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        await dev.DisposeAsync();
        keyRing.Delete(recursive: true);
        other.Dispose();
    }

    [Fact]
    public async Task Protected_endpoint_for_a_row_written_with_another_key_ring_answers_token_unreadable_problem_details_or_a_page_never_a_bare_500()
    {
        app = await WebAppHarness.StartAsync(dev, keyRing: keyRing);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        await other.RewriteAsync(app.Services, id, Ct);
        using var api = app.Api();
        using var browser = app.Browser();

        using var problem = await api.GetAsync("api/repos", Ct);
        using var page = await browser.GetAsync("dashboard", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await problem.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(OAuth2CaptureErrorCodes.TokenUnreadable, body.GetProperty("code").GetString());
        Assert.Equal("urn:oauth2capture:problem:token_unreadable", body.GetProperty("type").GetString());
        Assert.False(body.TryGetProperty("reauthUrl", out _));
        Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
        Assert.Null(page.Headers.Location);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("token_unreadable", html, StringComparison.Ordinal);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetValidToken_for_a_row_written_with_another_key_ring_answers_ConfigurationError_token_unreadable_and_never_throws()
    {
        app = await WebAppHarness.StartAsync(dev, keyRing: keyRing);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        var row = await other.RewriteAsync(app.Services, id, Ct);
        await using var services = app.Services.CreateAsyncScope();
        var tokens = services.ServiceProvider.GetRequiredService<ITokenValidityService>();

        var fresh = await tokens.GetValidTokenAsync("user-1", WebAppHarness.Provider, Ct);
        app.ExpireAccessTokens();
        var due = await tokens.GetValidTokenAsync(id, Ct);
        var thrown = await Assert.ThrowsAsync<OAuthConfigurationException>(() => tokens.GetRequiredTokenAsync("user-1", WebAppHarness.Provider, Ct));

        foreach (var result in new[] { fresh, due, thrown.Result })
        {
            Assert.Equal(TokenStatus.ConfigurationError, result.Status);
            Assert.Equal(OAuth2CaptureErrorCodes.TokenUnreadable, result.Error);
            Assert.Equal(id, result.ConnectionId);
            Assert.Null(result.AccessToken);
        }

        Assert.Equal(0, dev.Stats.RefreshRequests);
        var stored = (await app.ReadRowAsync(id))!;
        Assert.Equal(ConnectionHealth.Active, stored.Status);
        Assert.Equal(row.EncryptedAccessToken, stored.EncryptedAccessToken); // left for an instance that holds the keys
    }

    [Fact]
    public async Task Status_and_banner_after_a_failed_read_say_the_connection_is_unavailable_not_connected()
    {
        app = await WebAppHarness.StartAsync(dev, keyRing: keyRing);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        await other.RewriteAsync(app.Services, id, Ct);
        using var api = app.Api();
        using var browser = app.Browser();
        (await api.GetAsync("api/repos", Ct)).Dispose();

        var status = await api.GetFromJsonAsync<JsonElement>("status", Ct);
        var banner = await (await browser.GetAsync("banner", Ct)).Content.ReadAsStringAsync(Ct);

        var dev1 = status.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == WebAppHarness.Provider);
        Assert.Equal((int)OAuthConnectionState.Unavailable, dev1.GetProperty("state").GetInt32());
        Assert.False(dev1.GetProperty("needsReauth").GetBoolean());
        Assert.Contains("problem on our side", dev1.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("oauth2capture-unavailable", banner, StringComparison.Ordinal);
        Assert.Contains("problem on our side", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("Reconnect", banner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_connection_read_by_many_requests_is_logged_once_and_degrades_the_health_check()
    {
        app = await WebAppHarness.StartAsync(dev, services => services.AddHealthChecks().AddOAuth2Capture(), keyRing);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        var health = app.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(Ct)).Status);
        await other.RewriteAsync(app.Services, id, Ct);
        app.ExpireAccessTokens(); // due for refresh: the refresher's path too
        using var api = app.Api();

        for (var i = 0; i < 5; i++)
        {
            using var response = await api.GetAsync("api/repos", Ct);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        var together = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => api.GetAsync("api/repos", Ct)));
        Assert.All(together, response => Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode));

        var logged = app.Logs.GetSnapshot().Where(record => record.Id.Id == 2101).ToList();
        var entry = Assert.Single(logged);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("StoredTokensUnreadable", entry.Id.Name);
        Assert.Contains(id.ToString(), entry.Message, StringComparison.Ordinal);
        Assert.Contains("UnreadableSecrets", entry.Message, StringComparison.Ordinal);
        var report = (await health.CheckHealthAsync(Ct)).Entries["oauth2capture"];
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal(1, report.Data["unreadable_tokens"]);
        Assert.Contains("cannot decrypt the stored tokens of 1 connection", report.Description, StringComparison.Ordinal);
        Assert.Equal(0, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task RequireReauth_moves_an_unreadable_connection_to_reauth_SecretsUnreadable_once_and_notifies_once()
    {
        var notifier = new RecordingNotifier();
        app = await WebAppHarness.StartAsync(dev, services =>
        {
            services.Configure<OAuth2CaptureOptions>(options => options.Store.UnreadableSecrets = UnreadableSecretsPolicy.RequireReauth);
            services.AddSingleton<IReauthNotifier>(notifier);
        }, keyRing);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        await other.RewriteAsync(app.Services, id, Ct);
        using var api = app.Api();

        using var first = await api.GetAsync("api/repos", Ct);
        using var second = await api.GetAsync("api/repos", Ct);

        foreach (var response in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.Equal(OAuth2CaptureErrorCodes.ReauthRequired, body.GetProperty("code").GetString());
            Assert.Equal(nameof(ReauthReason.SecretsUnreadable), body.GetProperty("reason").GetString());
            Assert.Contains("/oauth2/dev/connect", body.GetProperty("reauthUrl").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("We have to ask you to reconnect your DevProvider account", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var row = (await app.ReadRowAsync(id))!;
        Assert.Equal(ConnectionHealth.ReauthRequired, row.Status);
        Assert.Equal(ReauthReason.SecretsUnreadable, row.ReauthReason);
        var notice = Assert.Single(notifier.Received);
        Assert.Equal(ReauthReason.SecretsUnreadable, notice.Reason);
        var status = await api.GetFromJsonAsync<JsonElement>("status", Ct);
        var dev1 = status.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == WebAppHarness.Provider);
        Assert.Equal((int)OAuthConnectionState.ReauthRequired, dev1.GetProperty("state").GetInt32());
        Assert.DoesNotContain(app.Logs.GetSnapshot(), record => record.Id.Id == 2101);
    }
}

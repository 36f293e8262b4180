using System.Net;
using System.Net.Http.Json;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Http;

/// <summary><c>app.UseOAuth2Capture()</c> and <see cref="IOAuthStatusFeature"/> in a real app, SQL commands counted.</summary>
public sealed class OAuthStatusFeatureTests : IAsyncLifetime
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

    [Fact]
    public async Task StatusFeature_installed_but_never_read_sends_no_store_query()
    {
        await SeedThreeConnectionsAsync("user-1");
        using var browser = app.Browser();
        var before = app.Commands.Count;

        var answer = await browser.GetStringAsync("noop", Ct);

        Assert.Equal("installed", answer);
        Assert.Equal(before, app.Commands.Count);
    }

    [Fact]
    public async Task StatusFeature_read_twice_for_a_user_with_three_providers_connected_sends_exactly_one_store_query_and_calls_no_provider()
    {
        await SeedThreeConnectionsAsync("user-1");
        var providerCalls = dev.Stats.TokenRequests;
        using var browser = app.Browser();
        var before = app.Commands.Count;

        var status = await browser.GetFromJsonAsync<StatusBody>("status", Ct);

        Assert.Equal(1, app.Commands.Count - before);
        Assert.True(status!.SameInstance);
        Assert.Equal(3, status.Providers!.Count(p => p.IsConnected));
        Assert.Equal(providerCalls, dev.Stats.TokenRequests);
    }

    [Fact]
    public async Task Protected_request_with_a_valid_token_sends_one_store_query()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        using var api = app.Api();
        var before = app.Commands.Count;

        using var response = await api.GetAsync("repos", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, app.Commands.Count - before);
    }

    [Fact]
    public async Task StatusFeature_describes_active_expiring_dead_and_never_connected_providers()
    {
        var now = app.Clock.GetUtcNow();
        var active = NewRow("user-1", WebAppHarness.Provider, "alice", now);
        active.AccessTokenExpiresAt = now.AddHours(1);
        active.RefreshTokenExpiresAt = now.AddDays(3); // inside the 7-day window, and only the user can extend it
        var dead = NewRow("user-1", WebAppHarness.SecondProvider, "alice", now);
        dead.Status = ConnectionHealth.ReauthRequired;
        dead.ReauthReason = ReauthReason.Revoked;
        await app.SeedAsync(active, Ct);
        await app.SeedAsync(dead, Ct);
        using var browser = app.Browser();

        var status = await browser.GetFromJsonAsync<StatusBody>("status?from=here", Ct);

        Assert.True(status!.Installed);
        Assert.Equal("user-1", status.Owner);
        Assert.Equal(["dev", "dev2", "github"], status.Providers!.Select(p => p.Provider));
        var dev1 = status.Providers![0];
        Assert.Equal(OAuthConnectionState.Active, dev1.State);
        Assert.Equal("DevProvider", dev1.DisplayName);
        Assert.Equal(active.Id, dev1.ConnectionId);
        Assert.Equal("alice", dev1.AccountName);
        Assert.True(dev1.ExpiresSoon);
        Assert.Equal(active.RefreshTokenExpiresAt!.Value, dev1.RefreshTokenExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(active.AccessTokenExpiresAt!.Value, dev1.AccessTokenExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Null(dev1.Message);
        Assert.Equal("/oauth2/dev/connect?returnUrl=%2Fstatus%3Ffrom%3Dhere", dev1.ReconnectUrl);

        var dev2 = status.Providers[1];
        Assert.Equal(OAuthConnectionState.ReauthRequired, dev2.State);
        Assert.True(dev2.NeedsReauth);
        Assert.Equal(ReauthReason.Revoked, dev2.Reason);
        Assert.False(dev2.ExpiresSoon);
        Assert.Equal($"Your {WebAppHarness.SecondDisplayName} connection was revoked. Reconnect to continue.", dev2.Message);
        Assert.Equal("/oauth2/dev2/connect?returnUrl=%2Fstatus%3Ffrom%3Dhere", dev2.ReconnectUrl);

        var github = status.Providers[2];
        Assert.Equal(OAuthConnectionState.NotConnected, github.State);
        Assert.False(github.IsConnected);
        Assert.Equal("GitHub", github.DisplayName);
        Assert.Null(github.ConnectionId);
        Assert.Equal("/oauth2/github/connect?returnUrl=%2Fstatus%3Ffrom%3Dhere", github.ReconnectUrl);
    }

    [Fact]
    public async Task StatusFeature_reports_a_refresh_token_past_its_stored_expiry_as_ReauthRequired_without_calling_the_provider()
    {
        var now = app.Clock.GetUtcNow();
        var row = NewRow("user-1", WebAppHarness.Provider, "alice", now);
        row.RefreshTokenExpiresAt = now.AddMinutes(-1);
        await app.SeedAsync(row, Ct);
        using var browser = app.Browser();

        var status = await browser.GetFromJsonAsync<StatusBody>("status", Ct);

        var dev1 = status!.Providers!.Single(p => p.Provider == WebAppHarness.Provider);
        Assert.Equal(OAuthConnectionState.ReauthRequired, dev1.State);
        Assert.Equal(ReauthReason.RefreshTokenExpired, dev1.Reason);
        Assert.Equal(0, dev.Stats.TokenRequests);
    }

    [Fact]
    public async Task StatusFeature_is_not_installed_for_anonymous_users()
    {
        using var browser = app.Browser(user: null);

        var status = await browser.GetFromJsonAsync<StatusBody>("status", Ct);

        Assert.False(status!.Installed);
    }

    private async Task SeedThreeConnectionsAsync(string owner)
    {
        var now = app.Clock.GetUtcNow();
        await app.SeedAsync(NewRow(owner, WebAppHarness.Provider, "alice", now), Ct);
        await app.SeedAsync(NewRow(owner, WebAppHarness.SecondProvider, "alice", now), Ct);
        await app.SeedAsync(NewRow(owner, "github", "gh-alice", now), Ct);
    }

    private OAuthToken NewRow(string owner, string provider, string account, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        OwnerId = owner,
        Provider = provider,
        ProviderUserId = account,
        DisplayName = account,
        EncryptedAccessToken = app.Protect("access-" + Guid.NewGuid()),
        EncryptedRefreshToken = app.Protect("refresh-" + Guid.NewGuid()),
        AccessTokenExpiresAt = now.AddHours(1),
        CreatedAt = now,
        UpdatedAt = now,
        AuthorizedAt = now,
    };

    private sealed record StatusBody(bool Installed, string? Owner, List<OAuthProviderStatus>? Providers, bool SameInstance);
}

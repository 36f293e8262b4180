using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Http.ConnectFlow;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Revocation;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// The way out of a connection this instance cannot decrypt, driven like a browser through the real connect flow: the app
/// keeps a real key ring on disk, and the connection's tokens were stored by an instance with another key ring
/// (<see cref="OtherInstanceKeyRing"/>). Disconnecting deletes the row, reconnecting overwrites it.
/// </summary>
public sealed partial class UnreadableSecretsConnectFlowTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;
    private DirectoryInfo keyRing = null!;
    private OtherInstanceKeyRing other = null!;
    private ConnectAppHarness app = null!;
    private Browser browser = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        keyRing = Directory.CreateTempSubdirectory("oauth2capture-keys-");
        other = new OtherInstanceKeyRing();
        app = await ConnectAppHarness.StartAsync(dev, keyRing: keyRing);
        browser = new Browser();
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        await other.RewriteAsync(app.Services, Assert.Single(await app.ConnectionsOfAsync("user-1")).Id, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        browser.Dispose();
        await app.DisposeAsync();
        await dev.DisposeAsync();
        keyRing.Delete(recursive: true);
        other.Dispose();
    }

    [Fact]
    public async Task Disconnect_from_the_list_page_for_a_row_of_another_key_ring_deletes_the_row_and_says_the_provider_was_not_told()
    {
        using var list = await browser.GetOnceAsync(app.Url("/oauth2/"), Ct);
        var html = await list.Content.ReadAsStringAsync(Ct);
        var action = FormAction().Match(html).Groups[1].Value;
        var token = AntiforgeryField().Match(html).Groups[1].Value;

        using var response = await browser.PostFormAsync(app.Url(WebUtility.HtmlDecode(action)), [new("__RequestVerificationToken", token), new("returnUrl", "/page")], Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("page|Your DevProvider account is disconnected here, but DevProvider could not confirm the revocation", page, StringComparison.Ordinal);
        Assert.Contains("could not be decrypted", page, StringComparison.Ordinal);
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal(0, dev.Stats.RevocationRequests);
    }

    [Fact]
    public async Task DisconnectAsync_for_a_row_of_another_key_ring_deletes_the_row_with_a_Failed_revocation()
    {
        var id = Assert.Single(await app.ConnectionsOfAsync("user-1")).Id;
        await using var scope = app.Services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<IOAuthConnectionService>().DisconnectAsync("user-1", id, Ct);

        Assert.True(result.Found);
        Assert.Equal(RevocationStatus.Failed, result.Revocation.Status);
        Assert.Contains("could not be decrypted", result.Revocation.Description, StringComparison.Ordinal);
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    [Fact]
    public async Task Reconnect_for_a_row_of_another_key_ring_overwrites_the_row_and_the_token_works_again()
    {
        var before = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal(TokenStatus.ConfigurationError, (await app.GetTokenAsync("user-1")).Status);
        using var use = await browser.GetOnceAsync(app.Url("/use"), Ct);
        Assert.Equal(HttpStatusCode.Found, use.StatusCode);

        using var reconnect = await app.ConnectAsync(browser, "alice", "/page", Ct);

        Assert.Equal(HttpStatusCode.OK, reconnect.StatusCode);
        var after = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal(before.Id, after.Id);
        Assert.NotEqual(before.EncryptedAccessToken, after.EncryptedAccessToken);
        Assert.Equal(TokenStatus.Valid, (await app.GetTokenAsync("user-1")).Status);
        using var again = await browser.GetOnceAsync(app.Url("/use"), Ct);
        Assert.Equal("used|Valid", await again.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Reconnect_without_a_refresh_token_drops_the_stored_one_this_instance_cannot_decrypt()
    {
        var before = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.NotNull(before.EncryptedRefreshToken);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.True(scope.ServiceProvider.GetRequiredService<IOAuthProviderCatalog>().TryGet(CaptureHarness.Provider, out var provider));

        // What a provider that sends a refresh token only on first consent (Google) answers a reconnect with.
        await scope.ServiceProvider.GetRequiredService<ConnectionWriter>().UpsertAsync("user-1", provider,
            new ProviderProfile(before.ProviderUserId, before.DisplayName, "{}"),
            new CapturedTokens("reconnected-access-token", null, "Bearer", TimeSpan.FromHours(1), null, before.Scope), Ct);

        var after = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Null(after.EncryptedRefreshToken);
        var result = await app.GetTokenAsync("user-1");
        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal("reconnected-access-token", result.AccessToken);
    }

    [Fact]
    public async Task List_after_a_failed_read_shows_the_connection_unavailable_with_token_unreadable()
    {
        using var use = await browser.GetOnceAsync(app.Url("/use"), Ct);
        Assert.Equal(HttpStatusCode.Found, use.StatusCode);

        using var page = await browser.GetOnceAsync(app.Url("/oauth2/"), Ct);
        browser.Accept = "application/json";
        using var json = await browser.GetOnceAsync(app.Url("/oauth2/"), Ct);

        Assert.Contains("Can&#39;t be used right now", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var connection = Assert.Single(JsonDocument.Parse(await json.Content.ReadAsStringAsync(Ct)).RootElement.EnumerateArray());
        Assert.Equal("Unavailable", connection.GetProperty("status").GetString());
        Assert.Equal(OAuth2CaptureErrorCodes.TokenUnreadable, connection.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, connection.GetProperty("reason").ValueKind);
    }

    [GeneratedRegex("form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

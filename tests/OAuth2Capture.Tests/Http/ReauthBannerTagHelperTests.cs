using System.Net;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Http;

/// <summary>The reconnect banner: its HTML on its own, and rendered in a real app from the status feature and TempData.</summary>
public sealed class ReauthBannerTagHelperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Render_encodes_names_and_messages_and_links_each_dead_connection_to_its_reconnect_url()
    {
        OAuthProviderStatus[] statuses =
        [
            new() { Provider = "ok", DisplayName = "Fine", State = OAuthConnectionState.Active, ReconnectUrl = "/oauth2/ok/connect" },
            new()
            {
                Provider = "evil\"p",
                DisplayName = "<script>alert(1)</script>",
                State = OAuthConnectionState.ReauthRequired,
                Reason = ReauthReason.Revoked,
                Message = "Your <b>X</b> & Y connection was revoked.",
                ReconnectUrl = "/oauth2/evil/connect?returnUrl=%2Fpage%3Fa%3D1\"onmouseover=\"x",
            },
            new() { Provider = "never", DisplayName = "Never", State = OAuthConnectionState.NotConnected, ReconnectUrl = "/oauth2/never/connect" },
        ];

        var html = ReauthBannerTagHelper.Render(statuses, "Heads <up> & on", aboutProvider: null);

        Assert.Equal(
            "<div class=\"oauth2capture-message\" role=\"status\">Heads &lt;up&gt; &amp; on</div>"
            + "<div class=\"oauth2capture-reauth-banner\" role=\"alert\" data-provider=\"evil&quot;p\">"
            + "<span class=\"oauth2capture-reauth-message\">Your &lt;b&gt;X&lt;/b&gt; &amp; Y connection was revoked.</span> "
            + "<a class=\"oauth2capture-reconnect\" href=\"/oauth2/evil/connect?returnUrl=%2Fpage%3Fa%3D1&quot;onmouseover=&quot;x\">"
            + "Reconnect &lt;script&gt;alert(1)&lt;/script&gt;</a></div>",
            html);
    }

    [Fact]
    public void Render_while_the_store_cannot_be_read_says_so_once_for_all_providers_without_a_reconnect_link()
    {
        OAuthProviderStatus[] statuses =
        [
            new() { Provider = "dev", DisplayName = "Dev", State = OAuthConnectionState.Unknown, ReconnectUrl = "/a", Message = "Can't <check> now." },
            new() { Provider = "other", DisplayName = "Other", State = OAuthConnectionState.Unknown, ReconnectUrl = "/b", Message = "Can't <check> now." },
        ];

        Assert.Equal(
            "<div class=\"oauth2capture-message oauth2capture-unavailable\" role=\"status\">Can't &lt;check&gt; now.</div>",
            ReauthBannerTagHelper.Render(statuses, message: null, aboutProvider: null).Replace("&#x27;", "'", StringComparison.Ordinal));
        Assert.All(statuses, status => Assert.False(status.IsConnected));
    }

    [Fact]
    public void Render_with_nothing_to_say_or_a_message_about_a_provider_working_again_renders_nothing()
    {
        OAuthProviderStatus[] statuses = [new() { Provider = "dev", DisplayName = "Dev", State = OAuthConnectionState.Active, ReconnectUrl = "/x" }];

        Assert.Equal(string.Empty, ReauthBannerTagHelper.Render(statuses, null, null));
        Assert.Equal(string.Empty, ReauthBannerTagHelper.Render(statuses, "Your Dev connection has expired.", "dev"));
    }

    [Fact]
    public async Task Banner_after_a_reauth_redirect_shows_one_alert_with_an_encoded_reconnect_link_back_to_the_current_page()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await WebAppHarness.StartAsync(dev);
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.ExpireRefreshTokensAsync("alice", Ct);
        app.ExpireAccessTokens();
        using var browser = app.Browser();
        using (var redirect = await browser.GetAsync("dashboard", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        }

        var html = await browser.GetStringAsync("banner?tab=1&q=%3Cx%3E", Ct);

        // The TempData message says the same as the banner, so it is not repeated.
        Assert.Equal(
            "<div class=\"oauth2capture-reauth-banner\" role=\"alert\" data-provider=\"dev\">"
            + "<span class=\"oauth2capture-reauth-message\">Your DevProvider connection has expired. Reconnect to continue.</span> "
            + "<a class=\"oauth2capture-reconnect\" href=\"/oauth2/dev/connect?returnUrl=%2Fbanner%3Ftab%3D1%26q%3D%253Cx%253E\">Reconnect DevProvider</a></div>",
            html);

        // After the reconnect the banner goes away, and so does any message left about it.
        await app.ReconnectAsync(id, "alice", cancellationToken: Ct);
        Assert.Equal(string.Empty, await browser.GetStringAsync("banner", Ct));
    }

    [Fact]
    public async Task Banner_for_a_user_who_never_connected_shows_the_connect_message_but_no_alert()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await WebAppHarness.StartAsync(dev);
        using var browser = app.Browser("newcomer");
        using (var redirect = await browser.GetAsync("dashboard", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        }

        var html = await browser.GetStringAsync("banner", Ct);

        Assert.Equal("<div class=\"oauth2capture-message\" role=\"status\">Connect your DevProvider account to continue.</div>", html);
    }
}

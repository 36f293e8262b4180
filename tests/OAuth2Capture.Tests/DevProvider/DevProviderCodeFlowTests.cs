using System.Net;
using System.Text.Json;
using OAuth2Capture.DevProvider;

namespace OAuth2Capture.Tests.DevProvider;

public sealed class DevProviderCodeFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    [Fact]
    public async Task CodeFlow_with_pkce_and_login_hint_issues_access_and_refresh_tokens_for_that_user()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var redirectUri = server.Options.RedirectUris[0].ToString();
        var (verifier, challenge) = DevProviderFlow.CreatePkce();

        using var authorize = await DevProviderFlow.Http.GetAsync(
            DevProviderFlow.BuildAuthorizeUri(server, "bob", server.Options.ClientId, redirectUri, ["openid", "offline_access", "read"], challenge), Ct);
        var redirect = DevProviderFlow.ReadRedirect(authorize, redirectUri);
        Assert.Equal("xyz", redirect["state"]);
        using var exchange = await DevProviderFlow.PostTokenAsync(server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = redirect["code"]!,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = server.Options.ClientId,
            ["client_secret"] = server.Options.ClientSecret,
            ["code_verifier"] = verifier,
        }, Ct);
        var tokens = await DevProviderFlow.ReadTokensAsync(exchange, Ct);

        Assert.Equal("Bearer", tokens.TokenType);
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
        Assert.InRange(tokens.ExpiresIn, 3590, 3600);
        Assert.Equal("openid offline_access read", tokens.Scope);
        var payload = DevProviderFlow.ReadJwtPayload(tokens.AccessToken);
        Assert.Equal("bob", payload.GetProperty("sub").GetString());
        Assert.Equal("Bob Example", payload.GetProperty("name").GetString());
    }

    [Fact]
    public async Task CodeFlow_with_wrong_pkce_verifier_fails_with_invalid_grant()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var redirectUri = server.Options.RedirectUris[0].ToString();
        var (_, challenge) = DevProviderFlow.CreatePkce();
        var code = await DevProviderFlow.AuthorizeAsync(server, "bob", server.Options.ClientId, redirectUri, ["openid"], challenge, Ct);

        using var exchange = await DevProviderFlow.PostTokenAsync(server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = server.Options.ClientId,
            ["client_secret"] = server.Options.ClientSecret,
            ["code_verifier"] = DevProviderFlow.CreatePkce().Verifier,
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, exchange.StatusCode);
        Assert.Equal("invalid_grant", (await ReadJsonAsync(exchange)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task CodeFlow_without_login_hint_signs_in_the_default_user()
    {
        await using var server = await DevProviderServer.StartAsync(new DevProviderOptions { DefaultUser = "zoe" }, Ct);
        var redirectUri = server.Options.RedirectUris[0].ToString();

        using var authorize = await DevProviderFlow.Http.GetAsync(
            DevProviderFlow.BuildAuthorizeUri(server, user: null, server.Options.ClientId, redirectUri, ["openid"], codeChallenge: null), Ct);
        var code = DevProviderFlow.ReadCode(authorize, redirectUri);
        using var exchange = await DevProviderFlow.PostTokenAsync(server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = server.Options.ClientId,
            ["client_secret"] = server.Options.ClientSecret,
        }, Ct);
        var tokens = await DevProviderFlow.ReadTokensAsync(exchange, Ct);

        Assert.Equal("zoe", DevProviderFlow.ReadJwtPayload(tokens.AccessToken).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_reuse_of_the_old_one_fails_with_invalid_grant()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var first = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);

        using var refresh = await DevProviderFlow.RefreshAsync(server, first.RefreshToken!, Ct);
        var second = await DevProviderFlow.ReadTokensAsync(refresh, Ct);
        using var reuse = await DevProviderFlow.RefreshAsync(server, first.RefreshToken!, Ct);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        var error = await ReadJsonAsync(reuse);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        Assert.Equal("The specified refresh token has already been redeemed.", error.GetProperty("error_description").GetString());
        Assert.Equal("https://documentation.openiddict.com/errors/ID2012", error.GetProperty("error_uri").GetString());
    }

    [Fact]
    public async Task UserInfo_with_a_valid_access_token_returns_the_subject_and_profile()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);

        using var response = await DevProviderFlow.GetUserInfoAsync(server, tokens.AccessToken, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var user = await ReadJsonAsync(response);
        Assert.Equal("alice", user.GetProperty("sub").GetString());
        Assert.Equal("Alice Example", user.GetProperty("name").GetString());
        Assert.Equal("alice", user.GetProperty("preferred_username").GetString());
        Assert.Equal("alice@example.test", user.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Introspection_reports_a_live_access_token_active_and_a_revoked_one_inactive()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);

        var live = await DevProviderFlow.IntrospectAsync(server, tokens.AccessToken, Ct);
        using var revoke = await DevProviderFlow.RevokeAsync(server, tokens.AccessToken, "access_token", Ct);
        var revoked = await DevProviderFlow.IntrospectAsync(server, tokens.AccessToken, Ct);

        Assert.True(live.GetProperty("active").GetBoolean());
        Assert.Equal("alice", live.GetProperty("sub").GetString());
        Assert.Equal(server.Options.ClientId, live.GetProperty("client_id").GetString());
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False(revoked.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Revocation_of_a_refresh_token_makes_the_next_refresh_fail_with_invalid_grant()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);

        using var revoke = await DevProviderFlow.RevokeAsync(server, tokens.RefreshToken!, "refresh_token", Ct);
        using var refresh = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", (await ReadJsonAsync(refresh)).GetProperty("error").GetString());
        Assert.Equal(1, server.Stats.RevocationRequests);
    }

    [Fact]
    public async Task ConsentPage_when_AutoApprove_is_off_shows_Approve_and_Deny_and_Deny_redirects_with_access_denied()
    {
        await using var server = await DevProviderServer.StartAsync(new DevProviderOptions { AutoApprove = false }, Ct);
        var redirectUri = server.Options.RedirectUris[0].ToString();
        var authorizeUri = DevProviderFlow.BuildAuthorizeUri(server, "bob", server.Options.ClientId, redirectUri, ["openid", "read"], null);

        using var page = await DevProviderFlow.Http.GetAsync(authorizeUri, Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        using var deny = await PostDecisionAsync(server, authorizeUri, "deny");
        using var approve = await PostDecisionAsync(server, authorizeUri, "approve");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains(">Approve</button>", html, StringComparison.Ordinal);
        Assert.Contains(">Deny</button>", html, StringComparison.Ordinal);
        var denied = DevProviderFlow.ReadRedirect(deny, redirectUri);
        Assert.Equal("access_denied", denied["error"]);
        Assert.Equal("xyz", denied["state"]);
        Assert.False(string.IsNullOrEmpty(DevProviderFlow.ReadCode(approve, redirectUri)));
        Assert.Equal(1, server.Stats.AuthorizationRequests); // decisions posted back are not new requests
    }

    [Fact]
    public async Task RegisterClientAsync_adds_a_client_whose_exact_redirect_uri_and_scopes_are_enforced()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var client = new DevClient { ClientId = "other-app", ClientSecret = "other-secret", Scopes = { "openid", "offline_access", "calendar" } };
        client.RedirectUris.Add(new Uri("http://127.0.0.1:5123/signin-dev"));
        await server.RegisterClientAsync(client, Ct);

        var tokens = await DevProviderFlow.ObtainTokensAsync(
            server, "carol", "other-app", "other-secret", "http://127.0.0.1:5123/signin-dev", ["openid", "offline_access", "calendar"], Ct);
        using var wrongPort = await DevProviderFlow.Http.GetAsync(
            DevProviderFlow.BuildAuthorizeUri(server, "carol", "other-app", "http://127.0.0.1:5124/signin-dev", ["openid"], null), Ct);
        using var notAllowed = await DevProviderFlow.Http.GetAsync(
            DevProviderFlow.BuildAuthorizeUri(server, "carol", "other-app", "http://127.0.0.1:5123/signin-dev", ["openid", "write"], null), Ct);

        Assert.Equal("openid offline_access calendar", tokens.Scope);
        Assert.Equal(HttpStatusCode.BadRequest, wrongPort.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notAllowed.StatusCode); // OpenIddict: scope not permitted for this client
    }

    [Fact]
    public async Task SetLifetimes_changes_expires_in_of_tokens_issued_afterwards()
    {
        await using var server = await DevProviderServer.StartAsync(new DevProviderOptions { AccessTokenLifetime = TimeSpan.FromMinutes(10) }, Ct);
        var before = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);

        server.Faults.SetLifetimes(TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(5));
        using var refresh = await DevProviderFlow.RefreshAsync(server, before.RefreshToken!, Ct);
        var after = await DevProviderFlow.ReadTokensAsync(refresh, Ct);
        var introspected = await DevProviderFlow.IntrospectAsync(server, after.RefreshToken!, Ct);

        Assert.InRange(before.ExpiresIn, 590, 600);
        Assert.InRange(after.ExpiresIn, 80, 90);
        var refreshLifetime = introspected.GetProperty("exp").GetInt64() - introspected.GetProperty("iat").GetInt64();
        Assert.Equal(300, refreshLifetime);
    }

    private static async Task<HttpResponseMessage> PostDecisionAsync(DevProviderServer server, Uri authorizeUri, string decision)
    {
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorizeUri.Query)
            .ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        form["dev_decision"] = decision;
        using var content = new FormUrlEncodedContent(form);
        return await DevProviderFlow.Http.PostAsync(server.AuthorizationEndpoint, content, Ct);
    }
}

using System.Net;
using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Tests.Providers;

/// <summary>The exact refresh request of every built-in provider, and the parse of each provider's documented reply.</summary>
public sealed class BuiltInRefreshTests
{
    private const string MinimalReply = """{"access_token":"new-at","token_type":"bearer","expires_in":3600}""";

    [Theory]
    [InlineData("twitter", "https://api.x.com/2/oauth2/token", true)]
    [InlineData("reddit", "https://www.reddit.com/api/v1/access_token", true)]
    [InlineData("pinterest", "https://api.pinterest.com/v5/oauth/token", true)]
    [InlineData("linkedin", "https://www.linkedin.com/oauth/v2/accessToken", false)]
    [InlineData("github", "https://github.com/login/oauth/access_token", false)]
    [InlineData("youtube", "https://oauth2.googleapis.com/token", false)]
    public async Task Refresh_for_built_in_provider_sends_the_documented_request(string name, string tokenEndpoint, bool basicAuth)
    {
        var handler = new RecordingHttpMessageHandler().Reply(HttpStatusCode.OK, MinimalReply);
        var provider = TestProviders.Create(name);

        var response = await provider.Descriptor.RefreshStrategy.RefreshAsync(new RefreshContext(provider, handler.CreateClient(), "old-at", "old-rt"), TestContext.Current.CancellationToken);

        Assert.True(response.IsSuccess, response.ToString());
        var request = handler.Single;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(tokenEndpoint, request.Uri.AbsoluteUri);
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        if (basicAuth)
        {
            Assert.Equal($"Basic {TestProviders.BasicCredentials}", request.Header("Authorization"));
            Assert.Equal("grant_type=refresh_token&refresh_token=old-rt", request.Body);
        }
        else
        {
            Assert.Null(request.Header("Authorization"));
            Assert.Equal("grant_type=refresh_token&refresh_token=old-rt&client_id=client-id&client_secret=client-secret", request.Body);
        }
    }

    [Fact]
    public async Task Refresh_for_reddit_leaves_the_User_Agent_to_the_HttpClient()
    {
        // Reddit throttles default agents (https://github.com/reddit-archive/reddit/wiki/API). The library sets the
        // configured UserAgent on the provider's named HttpClient; the strategy itself adds none.
        var handler = new RecordingHttpMessageHandler().Reply(HttpStatusCode.OK, MinimalReply).Reply(HttpStatusCode.OK, MinimalReply);
        var provider = TestProviders.Create("reddit");
        var ct = TestContext.Current.CancellationToken;

        await provider.Descriptor.RefreshStrategy.RefreshAsync(new RefreshContext(provider, handler.CreateClient(), "at", "rt"), ct);
        var configured = handler.CreateClient();
        // Reddit's agent format is not an RFC 9110 product token: ParseAdd throws, so it must be added without validation.
        Assert.Throws<FormatException>(() => configured.DefaultRequestHeaders.UserAgent.ParseAdd(provider.UserAgent));
        Assert.True(configured.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", provider.UserAgent));
        await provider.Descriptor.RefreshStrategy.RefreshAsync(new RefreshContext(provider, configured, "at", "rt"), ct);

        Assert.Null(handler.Requests[0].Header("User-Agent"));
        Assert.Equal("web:com.example.tests:1.0 (by /u/tests)", handler.Requests[1].Header("User-Agent"));
        Assert.Equal("grant_type=refresh_token&refresh_token=rt", handler.Requests[1].Body);
    }

    [Fact]
    public async Task Refresh_for_twitter_with_rotated_refresh_token_returns_the_new_one()
    {
        // Modelled on https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token (rotation observed in
        // https://github.com/r-lib/httr2/issues/197).
        var response = await RefreshAsync("twitter", HttpStatusCode.OK,
            """{"token_type":"bearer","expires_in":7200,"access_token":"new-at","scope":"tweet.read users.read offline.access","refresh_token":"new-rt"}""");

        Assert.True(response.IsSuccess);
        Assert.Equal("new-at", response.AccessToken);
        Assert.Equal("new-rt", response.RefreshToken);
        Assert.Equal(TimeSpan.FromHours(2), response.ExpiresIn);
        Assert.Equal("tweet.read users.read offline.access", response.Scope);
    }

    [Fact]
    public async Task Refresh_for_youtube_without_refresh_token_in_reply_returns_null_so_the_caller_keeps_the_old_one()
    {
        // Modelled on https://developers.google.com/identity/protocols/oauth2/web-server (refreshing an access token).
        var response = await RefreshAsync("youtube", HttpStatusCode.OK,
            """{"access_token":"ya29.new","expires_in":3599,"scope":"openid https://www.googleapis.com/auth/youtube.upload","token_type":"Bearer","id_token":"eyJ.x.y"}""");

        Assert.True(response.IsSuccess);
        Assert.Equal("ya29.new", response.AccessToken);
        Assert.Null(response.RefreshToken);
        Assert.Equal(TimeSpan.FromSeconds(3599), response.ExpiresIn);
        Assert.Equal("Bearer", response.TokenType);
    }

    [Fact]
    public async Task Refresh_for_linkedin_reads_refresh_token_expires_in()
    {
        // Modelled on https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
        var response = await RefreshAsync("linkedin", HttpStatusCode.OK,
            """{"access_token":"AQX-new","expires_in":5183999,"refresh_token":"AQW-same","refresh_token_expires_in":31103999,"scope":"openid,profile,email,w_member_social"}""");

        Assert.True(response.IsSuccess);
        Assert.Equal("AQW-same", response.RefreshToken);
        Assert.Equal(TimeSpan.FromSeconds(5183999), response.ExpiresIn);
        Assert.Equal(TimeSpan.FromSeconds(31103999), response.RefreshTokenExpiresIn);
    }

    [Fact]
    public async Task Refresh_for_pinterest_reads_new_refresh_token_and_its_lifetime()
    {
        // Modelled on the refresh response in https://github.com/pinterest/api-description (v5/openapi.json, OauthAccessTokenResponseRefresh).
        var response = await RefreshAsync("pinterest", HttpStatusCode.OK,
            """{"access_token":"pina_new","refresh_token":"pinr_new","response_type":"refresh_token","token_type":"bearer","expires_in":2592000,"refresh_token_expires_in":5184000,"scope":"boards:read,pins:read,pins:write,user_accounts:read"}""");

        Assert.True(response.IsSuccess);
        Assert.Equal("pinr_new", response.RefreshToken);
        Assert.Equal(TimeSpan.FromDays(30), response.ExpiresIn);
        Assert.Equal(TimeSpan.FromDays(60), response.RefreshTokenExpiresIn);
    }

    [Fact]
    public async Task Refresh_for_reddit_reads_the_documented_reply()
    {
        // Modelled on https://github.com/reddit-archive/reddit/wiki/OAuth2 (refreshing the token); rotation announced in
        // https://www.reddit.com/r/redditdev/comments/kvzaot/oauth2_api_changes_upcoming/
        var response = await RefreshAsync("reddit", HttpStatusCode.OK,
            """{"access_token":"new-at","token_type":"bearer","expires_in":3600,"scope":"identity submit","refresh_token":"new-rt"}""");

        Assert.True(response.IsSuccess);
        Assert.Equal("new-rt", response.RefreshToken);
        Assert.Equal(TimeSpan.FromHours(1), response.ExpiresIn);
    }

    [Fact]
    public async Task Refresh_for_github_app_reads_rotated_tokens_from_json()
    {
        // Modelled on https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
        var response = await RefreshAsync("github", HttpStatusCode.OK,
            """{"access_token":"ghu_new","expires_in":28800,"refresh_token":"ghr_new","refresh_token_expires_in":15811200,"scope":"","token_type":"bearer"}""");

        Assert.True(response.IsSuccess);
        Assert.Equal("ghu_new", response.AccessToken);
        Assert.Equal("ghr_new", response.RefreshToken);
        Assert.Equal(TimeSpan.FromHours(8), response.ExpiresIn);
        Assert.Equal(TimeSpan.FromSeconds(15811200), response.RefreshTokenExpiresIn);
    }

    [Fact]
    public async Task Refresh_for_github_with_form_encoded_reply_reads_the_tokens()
    {
        // GitHub answers form-encoded unless asked for JSON: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
        var response = await RefreshAsync("github", HttpStatusCode.OK,
            "access_token=ghu_new&expires_in=28800&refresh_token=ghr_new&refresh_token_expires_in=15811200&scope=&token_type=bearer",
            "application/x-www-form-urlencoded");

        Assert.True(response.IsSuccess);
        Assert.Equal("ghu_new", response.AccessToken);
        Assert.Equal("ghr_new", response.RefreshToken);
        Assert.Equal(TimeSpan.FromHours(8), response.ExpiresIn);
    }

    [Fact]
    public async Task Refresh_for_github_with_error_inside_HTTP_200_returns_OAuthError()
    {
        // GitHub reports token errors with HTTP 200 (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens);
        // the error code comes from community code (https://github.com/langchain-ai/open-swe/pull/1491).
        var response = await RefreshAsync("github", HttpStatusCode.OK,
            """{"error":"bad_refresh_token","error_description":"The refresh token passed is incorrect or expired.","error_uri":"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"}""");

        Assert.False(response.IsSuccess);
        Assert.Equal(TokenEndpointFailureKind.OAuthError, response.FailureKind);
        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("bad_refresh_token", response.Error);
        Assert.Equal("The refresh token passed is incorrect or expired.", response.ErrorDescription);
    }

    [Fact]
    public async Task Refresh_for_youtube_with_invalid_grant_returns_OAuthError_with_Google_description()
    {
        // Google's answer for a dead refresh token: https://github.com/dolfim/django-gmailapi-backend/issues/9
        var response = await RefreshAsync("youtube", HttpStatusCode.BadRequest,
            """{"error":"invalid_grant","error_description":"Token has been expired or revoked."}""");

        Assert.Equal(TokenEndpointFailureKind.OAuthError, response.FailureKind);
        Assert.Equal(HttpStatusCode.BadRequest, response.HttpStatus);
        Assert.Equal("invalid_grant", response.Error);
        Assert.Equal("Token has been expired or revoked.", response.ErrorDescription);
    }

    [Fact]
    public async Task Refresh_for_facebook_sends_the_fb_exchange_token_request()
    {
        // Modelled on https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
        var handler = new RecordingHttpMessageHandler().Reply(HttpStatusCode.OK, """{"access_token":"EAAnew","token_type":"bearer","expires_in":5183944}""");
        var provider = TestProviders.Create("facebook");
        var strategy = provider.Descriptor.RefreshStrategy;

        var response = await strategy.RefreshAsync(new RefreshContext(provider, handler.CreateClient(), "EAAold", refreshToken: null), TestContext.Current.CancellationToken);

        Assert.IsType<FacebookExchangeRefreshStrategy>(strategy);
        Assert.True(strategy.CanRefresh);
        var request = handler.Single;
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(
            "https://graph.facebook.com/v25.0/oauth/access_token?grant_type=fb_exchange_token&client_id=client-id&client_secret=client-secret&fb_exchange_token=EAAold",
            request.Uri.AbsoluteUri);
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Null(request.Header("Authorization"));
        Assert.Null(request.Body);
        Assert.True(response.IsSuccess);
        Assert.Equal("EAAnew", response.AccessToken);
        Assert.Null(response.RefreshToken);
        Assert.Equal(TimeSpan.FromSeconds(5183944), response.ExpiresIn);
    }

    [Fact]
    public async Task Refresh_for_facebook_with_expired_token_returns_OAuthException_190_463()
    {
        // Modelled on https://developers.facebook.com/docs/graph-api/guides/error-handling (code 190, subcode 463: expired).
        var response = await RefreshAsync("facebook", HttpStatusCode.BadRequest,
            """{"error":{"message":"Error validating access token: Session has expired on Tuesday, 03-Nov-26 10:00:00 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"AbCdEf"}}""");

        Assert.Equal(TokenEndpointFailureKind.OAuthError, response.FailureKind);
        Assert.Equal("OAuthException", response.Error);
        Assert.Equal("190/463", response.ErrorSubcode);
        Assert.StartsWith("Error validating access token", response.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_for_facebook_with_string_error_code_does_not_throw()
    {
        var response = await RefreshAsync("facebook", HttpStatusCode.BadRequest,
            """{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":"190"}}""");

        Assert.Equal(TokenEndpointFailureKind.OAuthError, response.FailureKind);
        Assert.Equal("190", response.ErrorSubcode);
    }

    internal static async Task<TokenEndpointResponse> RefreshAsync(string name, HttpStatusCode status, string body, string contentType = "application/json", Action<HttpResponseMessage>? configure = null)
    {
        var handler = new RecordingHttpMessageHandler().Reply(status, body, contentType, configure);
        var provider = TestProviders.Create(name);
        return await provider.Descriptor.RefreshStrategy.RefreshAsync(
            new RefreshContext(provider, handler.CreateClient(), "old-at", "old-rt"), TestContext.Current.CancellationToken);
    }
}

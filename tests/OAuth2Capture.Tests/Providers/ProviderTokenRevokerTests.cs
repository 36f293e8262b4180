using System.Net;
using System.Security.Cryptography;
using System.Text;
using OAuth2Capture.Providers.Revocation;

namespace OAuth2Capture.Tests.Providers;

public sealed class ProviderTokenRevokerTests
{
    private readonly ProviderTokenRevoker revoker = new();

    [Fact]
    public async Task Revoke_for_twitter_with_refresh_token_posts_RFC_7009_request_for_it_with_Basic_auth()
    {
        // X answers {"revoked":true}: https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
        var handler = new RecordingHttpMessageHandler().Reply(HttpStatusCode.OK, """{"revoked":true}""");

        var outcome = await revoker.RevokeAsync(TestProviders.Create("twitter"), handler.CreateClient(), "at-1", "rt-1", TestContext.Current.CancellationToken);

        Assert.Equal(RevocationStatus.Revoked, outcome.Status);
        var request = handler.Single;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://api.x.com/2/oauth2/revoke", request.Uri.AbsoluteUri);
        Assert.Equal($"Basic {TestProviders.BasicCredentials}", request.Header("Authorization"));
        Assert.Equal("token=rt-1&token_type_hint=refresh_token", request.Body);
    }

    [Fact]
    public async Task Revoke_for_youtube_without_refresh_token_revokes_the_access_token_with_body_auth()
    {
        var handler = new RecordingHttpMessageHandler().Reply(HttpStatusCode.OK, "{}");

        var outcome = await revoker.RevokeAsync(TestProviders.Create("youtube"), handler.CreateClient(), "ya29.at", null, TestContext.Current.CancellationToken);

        Assert.True(outcome.IsRevoked);
        var request = handler.Single;
        Assert.Equal("https://oauth2.googleapis.com/revoke", request.Uri.AbsoluteUri);
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("token=ya29.at&token_type_hint=access_token&client_id=client-id&client_secret=client-secret", request.Body);
    }

    [Fact]
    public async Task Revoke_when_refresh_token_revocation_fails_falls_back_to_the_access_token()
    {
        var handler = new RecordingHttpMessageHandler()
            .Reply(HttpStatusCode.BadRequest, """{"error":"invalid_token"}""")
            .Reply(HttpStatusCode.OK, "{}");

        var outcome = await revoker.RevokeAsync(TestProviders.Create("reddit"), handler.CreateClient(), "at-1", "rt-1", TestContext.Current.CancellationToken);

        Assert.True(outcome.IsRevoked);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("https://www.reddit.com/api/v1/revoke_token", handler.Requests[1].Uri.AbsoluteUri);
        Assert.Equal("token=at-1&token_type_hint=access_token", handler.Requests[1].Body);
    }

    [Fact]
    public async Task Revoke_for_github_deletes_the_application_grant()
    {
        // https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization answers 204.
        var handler = new RecordingHttpMessageHandler().Reply(HttpStatusCode.NoContent, "");

        var outcome = await revoker.RevokeAsync(TestProviders.Create("github"), handler.CreateClient(), "gho_at", null, TestContext.Current.CancellationToken);

        Assert.True(outcome.IsRevoked);
        var request = handler.Single;
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal("https://api.github.com/applications/client-id/grant", request.Uri.AbsoluteUri);
        Assert.Equal($"Basic {TestProviders.BasicCredentials}", request.Header("Authorization"));
        Assert.Equal("application/vnd.github+json", request.Header("Accept"));
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""{"access_token":"gho_at"}""", request.Body);
        Assert.False(string.IsNullOrEmpty(request.Header("User-Agent")));
    }

    [Fact]
    public async Task Revoke_for_facebook_deletes_the_user_permissions()
    {
        // https://developers.facebook.com/docs/graph-api/reference/user/permissions/ answers {"success":true}.
        var handler = new RecordingHttpMessageHandler().Reply(HttpStatusCode.OK, """{"success":true}""");

        var outcome = await revoker.RevokeAsync(TestProviders.Create("facebook"), handler.CreateClient(), "EAAat", null, TestContext.Current.CancellationToken);

        Assert.True(outcome.IsRevoked);
        var request = handler.Single;
        Assert.Equal(HttpMethod.Delete, request.Method);
        Assert.Equal("https://graph.facebook.com/v25.0/me/permissions", request.Uri.GetLeftPart(UriPartial.Path));
        Assert.Equal("EAAat", request.Query["access_token"]);
        var proof = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestProviders.ClientSecret), Encoding.UTF8.GetBytes("EAAat")));
        Assert.Equal(proof, request.Query["appsecret_proof"]);
    }

    [Theory]
    [InlineData("linkedin")]
    [InlineData("pinterest")]
    public async Task Revoke_for_provider_without_revocation_API_returns_NotSupported_without_calling_it(string name)
    {
        var handler = new RecordingHttpMessageHandler();

        var outcome = await revoker.RevokeAsync(TestProviders.Create(name), handler.CreateClient(), "at", "rt", TestContext.Current.CancellationToken);

        Assert.Equal(RevocationStatus.NotSupported, outcome.Status);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Revoke_when_provider_answers_503_reports_failure_naming_provider_and_status_without_tokens()
    {
        var handler = new RecordingHttpMessageHandler().Reply(HttpStatusCode.ServiceUnavailable, "down", "text/plain");

        var outcome = await revoker.RevokeAsync(TestProviders.Create("youtube"), handler.CreateClient(), "secret-at", null, TestContext.Current.CancellationToken);

        Assert.Equal(RevocationStatus.Failed, outcome.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outcome.HttpStatus);
        Assert.Contains("YouTube", outcome.Description, StringComparison.Ordinal);
        Assert.Contains("503", outcome.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-at", outcome.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_when_both_tokens_are_refused_reports_both_statuses()
    {
        var handler = new RecordingHttpMessageHandler()
            .Reply(HttpStatusCode.Unauthorized, """{"error":"invalid_client"}""")
            .Reply(HttpStatusCode.Unauthorized, """{"error":"invalid_client"}""");

        var outcome = await revoker.RevokeAsync(TestProviders.Create("twitter"), handler.CreateClient(), "at-1", "rt-1", TestContext.Current.CancellationToken);

        Assert.Equal(RevocationStatus.Failed, outcome.Status);
        Assert.Contains("refresh token", outcome.Description, StringComparison.Ordinal);
        Assert.Contains("access token", outcome.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("rt-1", outcome.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_when_network_fails_reports_failure_instead_of_throwing()
    {
        var handler = new RecordingHttpMessageHandler().Throw(new HttpRequestException(HttpRequestError.NameResolutionError, "dns"));

        var outcome = await revoker.RevokeAsync(TestProviders.Create("github"), handler.CreateClient(), "gho_at", null, TestContext.Current.CancellationToken);

        Assert.Equal(RevocationStatus.Failed, outcome.Status);
        Assert.Contains("GitHub could not be reached", outcome.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_when_call_times_out_reports_failure_instead_of_throwing()
    {
        var handler = new RecordingHttpMessageHandler().Throw(new TaskCanceledException("timeout"));

        var outcome = await revoker.RevokeAsync(TestProviders.Create("facebook"), handler.CreateClient(), "EAAat", null, TestContext.Current.CancellationToken);

        Assert.Equal(RevocationStatus.Failed, outcome.Status);
        Assert.Contains("Facebook did not answer", outcome.Description, StringComparison.Ordinal);
    }
}

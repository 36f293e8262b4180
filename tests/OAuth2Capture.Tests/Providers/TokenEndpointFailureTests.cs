using System.Net;
using System.Net.Http.Headers;
using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Tests.Providers;

/// <summary>Answers that are not token responses become classified failures that name the provider and the status.</summary>
public sealed class TokenEndpointFailureTests
{
    [Fact]
    public async Task Refresh_when_provider_answers_HTML_502_returns_ServerError_naming_provider_and_status()
    {
        var response = await BuiltInRefreshTests.RefreshAsync("youtube", HttpStatusCode.BadGateway,
            "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>", "text/html");

        Assert.Equal(TokenEndpointFailureKind.ServerError, response.FailureKind);
        Assert.Equal(HttpStatusCode.BadGateway, response.HttpStatus);
        Assert.Contains("YouTube", response.ErrorDescription, StringComparison.Ordinal);
        Assert.Contains("502", response.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_when_provider_answers_truncated_JSON_returns_MalformedResponse_naming_provider_and_status()
    {
        var response = await BuiltInRefreshTests.RefreshAsync("twitter", HttpStatusCode.OK, """{"token_type":"bearer","access_token":"abc","expi""");

        Assert.Equal(TokenEndpointFailureKind.MalformedResponse, response.FailureKind);
        Assert.Equal("malformed_response", response.Error);
        Assert.Contains("X answered HTTP 200", response.ErrorDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", response.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_when_provider_answers_429_with_Retry_After_returns_RateLimited_with_the_delay()
    {
        var response = await BuiltInRefreshTests.RefreshAsync("reddit", HttpStatusCode.TooManyRequests, "Too Many Requests", "text/plain",
            reply => reply.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)));

        Assert.Equal(TokenEndpointFailureKind.RateLimited, response.FailureKind);
        Assert.Equal(TimeSpan.FromSeconds(30), response.RetryAfter);
        Assert.Contains("Reddit", response.ErrorDescription, StringComparison.Ordinal);
        Assert.Contains("429", response.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_when_provider_cannot_be_reached_returns_NetworkError()
    {
        var handler = new RecordingHttpMessageHandler().Throw(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        var provider = TestProviders.Create("linkedin");

        var response = await provider.Descriptor.RefreshStrategy.RefreshAsync(new RefreshContext(provider, handler.CreateClient(), "at", "rt"), TestContext.Current.CancellationToken);

        Assert.Equal(TokenEndpointFailureKind.NetworkError, response.FailureKind);
        Assert.Contains("LinkedIn", response.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_when_expires_in_is_infinite_caps_the_lifetime_instead_of_throwing()
    {
        var response = await BuiltInRefreshTests.RefreshAsync("twitter", HttpStatusCode.OK, """{"access_token":"at","expires_in":"Infinity"}""");

        Assert.True(response.IsSuccess);
        Assert.True(response.ExpiresIn > TimeSpan.FromDays(365 * 99));
    }

    [Fact]
    public async Task Refresh_when_reply_has_null_error_field_is_a_success()
    {
        var response = await BuiltInRefreshTests.RefreshAsync("twitter", HttpStatusCode.OK, """{"access_token":"at","error":null,"expires_in":7200}""");

        Assert.True(response.IsSuccess, response.ToString());
    }
}

using System.Net;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.BuiltIn;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Providers;

/// <summary>
/// Each built-in provider's own error codes are read by the classifier on its descriptor, from the raw answer through the
/// shared reader; a generic provider gets the RFC 6749 rules only.
/// </summary>
public sealed class ProviderFailureClassifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    // Modelled on https://developers.facebook.com/docs/graph-api/guides/error-handling (code 190, subcode 463: expired).
    private const string FacebookExpired =
        """{"error":{"message":"Error validating access token: Session has expired on Tuesday, 03-Nov-26 10:00:00 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"AbCdEf"}}""";

    private const string XDeadToken = """{"error":"invalid_request","error_description":"Value passed for the token was invalid."}""";

    [Theory]
    [InlineData("linkedin")]
    [InlineData("reddit")]
    [InlineData("pinterest")]
    public void Built_in_provider_without_codes_of_its_own_uses_the_RFC_6749_classifier(string name)
        => Assert.Same(Rfc6749FailureClassifier.Instance, TestProviders.Create(name).Descriptor.FailureClassifier);

    [Fact]
    public void Generic_provider_uses_the_RFC_6749_classifier()
        => Assert.Same(Rfc6749FailureClassifier.Instance, TestProviders.CreateGeneric().Descriptor.FailureClassifier);

    [Fact]
    public void Facebook_provider_reads_190_463_as_ReauthRequired_RefreshTokenExpired()
    {
        Assert.Same(FacebookFailureClassifier.Instance, FacebookProvider.Descriptor.FailureClassifier);
        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired), Classify(TestProviders.Create("facebook"), HttpStatusCode.BadRequest, FacebookExpired));
    }

    [Fact]
    public void YouTube_provider_reads_Googles_session_control_answer_as_an_expiry_not_a_revocation()
    {
        // Google's session-control answer (https://developers.google.com/identity/protocols/oauth2, "Refresh token expiration").
        const string sessionControl = """{"error":"invalid_grant","error_description":"reauth related error (invalid_rapt)","error_uri":"https://support.google.com/a/answer/9368756","error_subtype":"invalid_rapt"}""";
        const string expiredOrRevoked = """{"error":"invalid_grant","error_description":"Token has been expired or revoked."}""";
        var youtube = TestProviders.Create("youtube");

        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired), Classify(youtube, HttpStatusCode.BadRequest, sessionControl));
        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.ProviderRejected), Classify(youtube, HttpStatusCode.BadRequest, expiredOrRevoked));
        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.Revoked), Classify(TestProviders.CreateGeneric(), HttpStatusCode.BadRequest, sessionControl));
    }

    [Theory]
    [InlineData(4, "(#4) Application request limit reached")]
    [InlineData(17, "(#17) User request limit reached")]
    [InlineData(32, "(#32) Page request limit reached")]
    [InlineData(613, "(#613) Calls to this api have exceeded the rate limit.")]
    [InlineData(1, "An unknown error occurred")]
    [InlineData(2, "An unexpected error has occurred. Please retry your request later.")]
    public void Facebook_provider_reads_throttling_and_service_codes_in_a_400_as_TemporarilyUnavailable(int code, string message)
    {
        var body = $$$"""{"error":{"message":"{{{message}}}","type":"OAuthException","code":{{{code}}},"fbtrace_id":"AbCdEf"}}""";

        Assert.Equal((TokenStatus.TemporarilyUnavailable, ReauthReason.None), Classify(TestProviders.Create("facebook"), HttpStatusCode.BadRequest, body));
    }

    [Fact]
    public void Shared_reader_keeps_a_Graph_code_as_data_and_leaves_its_meaning_to_the_provider()
    {
        var failure = TokenEndpointResponseReader.Read("Facebook", HttpStatusCode.BadRequest, "application/json", null,
            """{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,"fbtrace_id":"AbCdEf"}}""");

        Assert.Equal(TokenEndpointFailureKind.OAuthError, failure.FailureKind);
        Assert.Equal("OAuthException", failure.Error);
        Assert.Equal("4", failure.ErrorSubcode);
    }

    [Fact]
    public void GitHub_provider_reads_bad_refresh_token_in_a_200_as_a_dead_grant()
    {
        // https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
        // (errors come with HTTP 200); the code comes from community code (https://github.com/langchain-ai/open-swe/pull/1491).
        Assert.Same(GitHubFailureClassifier.Instance, GitHubProvider.Descriptor.FailureClassifier);
        var result = Classify(TestProviders.Create("github"), HttpStatusCode.OK,
            """{"error":"bad_refresh_token","error_description":"The refresh token passed is incorrect or expired.","error_uri":"https://docs.github.com"}""");

        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired), result);
    }

    [Theory]
    [InlineData("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.")]
    [InlineData("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.")]
    public void GitHub_provider_reads_its_credential_and_redirect_errors_in_a_200_as_ConfigurationError(string error, string description)
    {
        // https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
        var body = $$"""{"error":"{{error}}","error_description":"{{description}}"}""";

        Assert.Equal((TokenStatus.ConfigurationError, ReauthReason.None), Classify(TestProviders.Create("github"), HttpStatusCode.OK, body));
    }

    [Fact]
    public void X_provider_reads_invalid_request_about_the_token_as_ReauthRequired_Revoked()
    {
        Assert.Same(TwitterFailureClassifier.Instance, TwitterProvider.Descriptor.FailureClassifier);
        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.Revoked), Classify(TestProviders.Create("twitter"), HttpStatusCode.BadRequest, XDeadToken));
    }

    [Fact]
    public void X_provider_reads_any_other_invalid_request_as_ConfigurationError()
    {
        var body = """{"error":"invalid_request","error_description":"Missing required parameter [grant_type]."}""";

        Assert.Equal((TokenStatus.ConfigurationError, ReauthReason.None), Classify(TestProviders.Create("twitter"), HttpStatusCode.BadRequest, body));
    }

    [Fact]
    public void Generic_provider_does_not_read_a_Facebook_shaped_190_463_answer_as_Facebook_expiry()
    {
        var result = Classify(TestProviders.CreateGeneric(), HttpStatusCode.BadRequest, FacebookExpired);

        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.ProviderRejected), result);
    }

    [Fact]
    public void Generic_provider_does_not_read_a_Graph_throttling_code_in_a_400_as_transient()
    {
        var body = """{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4}}""";

        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.ProviderRejected), Classify(TestProviders.CreateGeneric(), HttpStatusCode.BadRequest, body));
    }

    [Fact]
    public void Generic_provider_reads_X_style_invalid_request_as_ConfigurationError()
        => Assert.Equal((TokenStatus.ConfigurationError, ReauthReason.None), Classify(TestProviders.CreateGeneric(), HttpStatusCode.BadRequest, XDeadToken));

    [Fact]
    public void Invalid_grant_after_an_interrupted_refresh_is_RotatedRefreshTokenLost()
    {
        var body = """{"error":"invalid_grant","error_description":"The specified refresh token has already been redeemed."}""";
        var provider = TestProviders.CreateGeneric();

        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.RotatedRefreshTokenLost),
            Classify(provider, HttpStatusCode.BadRequest, body, new(Now, EarlierRefreshInterrupted: true)));
        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.Revoked), Classify(provider, HttpStatusCode.BadRequest, body));
    }

    private static (TokenStatus Status, ReauthReason Reason) Classify(OAuthProvider provider, HttpStatusCode status, string body, TokenFailureContext? context = null)
    {
        var failure = TokenEndpointResponseReader.Read(provider.DisplayName, status, "application/json", null, body);
        Assert.False(failure.IsSuccess, failure.ToString());
        return provider.Descriptor.FailureClassifier.Classify(failure, context ?? new(Now));
    }
}

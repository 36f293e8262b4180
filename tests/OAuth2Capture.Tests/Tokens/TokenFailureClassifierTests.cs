using System.Net;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Tests.Providers;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

public sealed class TokenFailureClassifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    // Each row goes through the classifier of the provider it belongs to; "acme" is a generic provider (RFC 6749 rules only).
    public static TheoryData<string, string, int, string?, string?, string?, TokenStatus, ReauthReason> OAuthErrors => new()
    {
        // invalid_grant: the description and the known expiry tell expiry from revocation.
        { "expired refresh token (DevProvider)", "acme", 400, "invalid_grant", "The specified refresh token has expired.", null, TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "OpenIddict revoked token", "acme", 400, "invalid_grant", "The specified token is no longer valid.", null, TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "rotated token reused", "acme", 400, "invalid_grant", "The specified refresh token has already been redeemed.", null, TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "Google cannot tell", "youtube", 400, "invalid_grant", "Token has been expired or revoked.", null, TokenStatus.ReauthRequired, ReauthReason.ProviderRejected },
        { "known expiry passed", "acme", 400, "invalid_grant", null, "past", TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "bare invalid_grant within lifetime", "acme", 400, "invalid_grant", null, "future", TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "inactivity", "acme", 400, "invalid_grant", "Refresh token revoked after inactivity.", null, TokenStatus.ReauthRequired, ReauthReason.Inactivity },
        { "GitHub App in a 200", "github", 200, "bad_refresh_token", "The refresh token passed is incorrect or expired.", null, TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "X dead token", "twitter", 400, "invalid_request", "Value passed for the token was invalid.", null, TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "scope", "acme", 400, "invalid_scope", null, null, TokenStatus.ReauthRequired, ReauthReason.InsufficientScope },
        { "insufficient scope", "acme", 403, "insufficient_scope", null, null, TokenStatus.ReauthRequired, ReauthReason.InsufficientScope },
        // The operator's problems never send the user through re-auth.
        { "wrong secret", "acme", 401, "invalid_client", "Client authentication failed.", null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "client not allowed", "acme", 400, "unauthorized_client", null, null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "grant not enabled", "acme", 400, "unsupported_grant_type", null, null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "GitHub wrong secret", "github", 200, "incorrect_client_credentials", null, null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "malformed request", "acme", 400, "invalid_request", "Missing grant_type.", null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "401 without a code", "acme", 401, null, null, null, TokenStatus.ConfigurationError, ReauthReason.None },
        // Facebook Graph error objects.
        { "Facebook token expired", "facebook", 400, "OAuthException", "Session has expired", "190/463", TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "Facebook password changed", "facebook", 400, "OAuthException", "password changed", "190/460", TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "Facebook app removed", "facebook", 400, "OAuthException", "app removed", "190/458", TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "Facebook permission missing", "facebook", 403, "OAuthException", "needs permission", "200", TokenStatus.ReauthRequired, ReauthReason.InsufficientScope },
        { "Facebook permission error 299", "facebook", 403, "OAuthException", "needs permission", "299", TokenStatus.ReauthRequired, ReauthReason.InsufficientScope },
        { "Facebook permission denied 10", "facebook", 403, "OAuthException", "permission denied", "10", TokenStatus.ReauthRequired, ReauthReason.InsufficientScope },
        { "Facebook code 300 is no permission error", "facebook", 400, "OAuthException", "edit failure", "300", TokenStatus.ConfigurationError, ReauthReason.None },
        { "Facebook invalid access token, cause unstated", "facebook", 400, "OAuthException", "Invalid OAuth access token.", "190/467", TokenStatus.ReauthRequired, ReauthReason.ProviderRejected },
        { "Facebook user checkpointed", "facebook", 400, "OAuthException", "checkpoint", "190/459", TokenStatus.ReauthRequired, ReauthReason.AccountNeedsAttention },
        { "Facebook unconfirmed user", "facebook", 400, "OAuthException", "unconfirmed", "190/464", TokenStatus.ReauthRequired, ReauthReason.AccountNeedsAttention },
        { "Google session control", "youtube", 400, "invalid_grant", "reauth related error (invalid_rapt)", "invalid_rapt", TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "Google expired or revoked", "youtube", 400, "invalid_grant", "Token has been expired or revoked.", null, TokenStatus.ReauthRequired, ReauthReason.ProviderRejected },
        // Provider-side trouble is nobody's to fix: retry later.
        { "server_error", "acme", 500, "server_error", null, null, TokenStatus.TemporarilyUnavailable, ReauthReason.None },
        { "temporarily_unavailable", "acme", 503, "temporarily_unavailable", null, null, TokenStatus.TemporarilyUnavailable, ReauthReason.None },
    };

    [Theory]
    [MemberData(nameof(OAuthErrors))]
    public void Classify_oauth_error_maps_to_documented_status(string scenario, string provider, int httpStatus, string? error, string? description, string? subcodeOrExpiry, TokenStatus status, ReauthReason reason)
    {
        DateTimeOffset? refreshExpiresAt = subcodeOrExpiry switch
        {
            "past" => Now.AddMinutes(-1),
            "future" => Now.AddDays(30),
            _ => null,
        };
        var subcode = refreshExpiresAt is null ? subcodeOrExpiry : null;
        var failure = TokenEndpointResponse.Failure(TokenEndpointFailureKind.OAuthError, (HttpStatusCode)httpStatus, error, description, subcode);

        var actual = ClassifierOf(provider).Classify(failure, new(Now, refreshExpiresAt));

        Assert.True((status, reason) == actual, $"{scenario}: expected {status}/{reason}, got {actual.Status}/{actual.Reason}");
    }

    [Theory]
    [InlineData(nameof(TokenEndpointFailureKind.RateLimited))]
    [InlineData(nameof(TokenEndpointFailureKind.ServerError))]
    [InlineData(nameof(TokenEndpointFailureKind.Timeout))]
    [InlineData(nameof(TokenEndpointFailureKind.NetworkError))]
    [InlineData(nameof(TokenEndpointFailureKind.CircuitOpen))]
    public void Classify_transient_failure_is_TemporarilyUnavailable(string kind)
    {
        // The kind travels by name: the enum is internal, and a public test method cannot take it.
        var failure = TokenEndpointResponse.Failure(Enum.Parse<TokenEndpointFailureKind>(kind), null, null, "down");

        Assert.Equal((TokenStatus.TemporarilyUnavailable, ReauthReason.None), Rfc6749FailureClassifier.Instance.Classify(failure, new(Now)));
    }

    [Fact]
    public void Classify_html_page_with_200_is_ConfigurationError()
    {
        var failure = TokenEndpointResponseReader.Read("Acme", HttpStatusCode.OK, "text/html", null, "<html><body>Sign in</body></html>");

        Assert.Equal((TokenStatus.ConfigurationError, ReauthReason.None), Rfc6749FailureClassifier.Instance.Classify(failure, new(Now)));
        Assert.Contains("Acme answered HTTP 200 with an HTML page", failure.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_html_page_with_502_is_TemporarilyUnavailable()
    {
        var failure = TokenEndpointResponseReader.Read("Acme", HttpStatusCode.BadGateway, "text/html", null, "<html><body><h1>Bad Gateway</h1></body></html>");

        Assert.Equal(TokenEndpointFailureKind.ServerError, failure.FailureKind);
        Assert.Equal((TokenStatus.TemporarilyUnavailable, ReauthReason.None), Rfc6749FailureClassifier.Instance.Classify(failure, new(Now)));
        Assert.Equal("Acme answered HTTP 502 with an HTML page instead of JSON.", failure.ErrorDescription);
    }

    [Fact]
    public void Classify_truncated_json_is_TemporarilyUnavailable_with_a_clear_description()
    {
        var failure = TokenEndpointResponseReader.Read("Acme", HttpStatusCode.OK, "application/json", null, "{\"access_token\": \"abc\",");

        Assert.Equal(TokenEndpointFailureKind.MalformedResponse, failure.FailureKind);
        Assert.Equal("Acme answered HTTP 200 with malformed JSON.", failure.ErrorDescription);
        Assert.Equal((TokenStatus.TemporarilyUnavailable, ReauthReason.None), Rfc6749FailureClassifier.Instance.Classify(failure, new(Now)));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public void Classify_empty_client_error_answer_is_ConfigurationError(int status)
    {
        var failure = TokenEndpointResponseReader.Read("Acme", (HttpStatusCode)status, null, null, string.Empty);

        Assert.Equal((TokenStatus.ConfigurationError, ReauthReason.None), Rfc6749FailureClassifier.Instance.Classify(failure, new(Now)));
        Assert.Equal($"Acme answered HTTP {status} without an OAuth error code.", failure.ErrorDescription);
    }

    private static ITokenFailureClassifier ClassifierOf(string provider)
        => (provider == "acme" ? TestProviders.CreateGeneric() : TestProviders.Create(provider)).Descriptor.FailureClassifier;
}

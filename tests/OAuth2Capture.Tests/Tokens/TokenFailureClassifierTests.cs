using System.Net;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

public sealed class TokenFailureClassifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int, string?, string?, string?, TokenStatus, ReauthReason> OAuthErrors => new()
    {
        // invalid_grant: the description and the known expiry tell expiry from revocation.
        { "expired refresh token (DevProvider)", 400, "invalid_grant", "The specified refresh token has expired.", null, TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "OpenIddict revoked token", 400, "invalid_grant", "The specified token is no longer valid.", null, TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "rotated token reused", 400, "invalid_grant", "The specified refresh token has already been redeemed.", null, TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "Google cannot tell", 400, "invalid_grant", "Token has been expired or revoked.", null, TokenStatus.ReauthRequired, ReauthReason.ProviderRejected },
        { "known expiry passed", 400, "invalid_grant", null, "past", TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "bare invalid_grant within lifetime", 400, "invalid_grant", null, "future", TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "inactivity", 400, "invalid_grant", "Refresh token revoked after inactivity.", null, TokenStatus.ReauthRequired, ReauthReason.Inactivity },
        { "GitHub App in a 200", 200, "bad_refresh_token", "The refresh token passed is incorrect or expired.", null, TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "X dead token", 400, "invalid_request", "Value passed for the token was invalid.", null, TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "scope", 400, "invalid_scope", null, null, TokenStatus.ReauthRequired, ReauthReason.InsufficientScope },
        { "insufficient scope", 403, "insufficient_scope", null, null, TokenStatus.ReauthRequired, ReauthReason.InsufficientScope },
        // The operator's problems never send the user through re-auth.
        { "wrong secret", 401, "invalid_client", "Client authentication failed.", null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "client not allowed", 400, "unauthorized_client", null, null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "grant not enabled", 400, "unsupported_grant_type", null, null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "GitHub wrong secret", 200, "incorrect_client_credentials", null, null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "malformed request", 400, "invalid_request", "Missing grant_type.", null, TokenStatus.ConfigurationError, ReauthReason.None },
        { "401 without a code", 401, null, null, null, TokenStatus.ConfigurationError, ReauthReason.None },
        // Facebook Graph error objects.
        { "Facebook token expired", 400, "OAuthException", "Session has expired", "190/463", TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired },
        { "Facebook password changed", 400, "OAuthException", "password changed", "190/460", TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "Facebook app removed", 400, "OAuthException", "app removed", "190/458", TokenStatus.ReauthRequired, ReauthReason.Revoked },
        { "Facebook permission missing", 403, "OAuthException", "needs permission", "200", TokenStatus.ReauthRequired, ReauthReason.InsufficientScope },
        // Provider-side trouble is nobody's to fix: retry later.
        { "server_error", 500, "server_error", null, null, TokenStatus.TemporarilyUnavailable, ReauthReason.None },
        { "temporarily_unavailable", 503, "temporarily_unavailable", null, null, TokenStatus.TemporarilyUnavailable, ReauthReason.None },
    };

    [Theory]
    [MemberData(nameof(OAuthErrors))]
    public void Classify_oauth_error_maps_to_documented_status(string scenario, int httpStatus, string? error, string? description, string? subcodeOrExpiry, TokenStatus status, ReauthReason reason)
    {
        DateTimeOffset? refreshExpiresAt = subcodeOrExpiry switch
        {
            "past" => Now.AddMinutes(-1),
            "future" => Now.AddDays(30),
            _ => null,
        };
        var subcode = refreshExpiresAt is null ? subcodeOrExpiry : null;
        var failure = TokenEndpointResponse.Failure(TokenEndpointFailureKind.OAuthError, (HttpStatusCode)httpStatus, error, description, subcode);

        var actual = TokenFailureClassifier.Classify(failure, Now, refreshExpiresAt);

        Assert.True((status, reason) == actual, $"{scenario}: expected {status}/{reason}, got {actual.Status}/{actual.Reason}");
    }

    [Theory]
    [InlineData(TokenEndpointFailureKind.RateLimited)]
    [InlineData(TokenEndpointFailureKind.ServerError)]
    [InlineData(TokenEndpointFailureKind.Timeout)]
    [InlineData(TokenEndpointFailureKind.NetworkError)]
    [InlineData(TokenEndpointFailureKind.CircuitOpen)]
    public void Classify_transient_failure_is_TemporarilyUnavailable(TokenEndpointFailureKind kind)
    {
        var failure = TokenEndpointResponse.Failure(kind, null, null, "down");

        Assert.Equal((TokenStatus.TemporarilyUnavailable, ReauthReason.None), TokenFailureClassifier.Classify(failure, Now, null));
    }

    [Fact]
    public void Classify_html_page_with_200_is_ConfigurationError()
    {
        var failure = TokenEndpointClient.Read("Acme", HttpStatusCode.OK, "text/html", null, "<html><body>Sign in</body></html>");

        Assert.Equal((TokenStatus.ConfigurationError, ReauthReason.None), TokenFailureClassifier.Classify(failure, Now, null));
        Assert.Contains("Acme answered HTTP 200 with an HTML page", failure.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_html_page_with_502_is_TemporarilyUnavailable()
    {
        var failure = TokenEndpointClient.Read("Acme", HttpStatusCode.BadGateway, "text/html", null, "<html><body><h1>Bad Gateway</h1></body></html>");

        Assert.Equal(TokenEndpointFailureKind.ServerError, failure.FailureKind);
        Assert.Equal((TokenStatus.TemporarilyUnavailable, ReauthReason.None), TokenFailureClassifier.Classify(failure, Now, null));
        Assert.Equal("Acme answered HTTP 502 with an HTML page instead of JSON.", failure.ErrorDescription);
    }

    [Fact]
    public void Classify_truncated_json_is_TemporarilyUnavailable_with_a_clear_description()
    {
        var failure = TokenEndpointClient.Read("Acme", HttpStatusCode.OK, "application/json", null, "{\"access_token\": \"abc\",");

        Assert.Equal(TokenEndpointFailureKind.MalformedResponse, failure.FailureKind);
        Assert.Equal("Acme answered HTTP 200 with malformed JSON.", failure.ErrorDescription);
        Assert.Equal((TokenStatus.TemporarilyUnavailable, ReauthReason.None), TokenFailureClassifier.Classify(failure, Now, null));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public void Classify_empty_client_error_answer_is_ConfigurationError(int status)
    {
        var failure = TokenEndpointClient.Read("Acme", (HttpStatusCode)status, null, null, string.Empty);

        Assert.Equal((TokenStatus.ConfigurationError, ReauthReason.None), TokenFailureClassifier.Classify(failure, Now, null));
        Assert.Equal($"Acme answered HTTP {status} without an OAuth error code.", failure.ErrorDescription);
    }
}

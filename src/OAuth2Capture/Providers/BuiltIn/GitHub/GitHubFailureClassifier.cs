using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// GitHub's own token-endpoint error codes, which it sends inside HTTP 200 answers, checked 2026-11 against
/// <see href="https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors">GitHub: troubleshooting access token request errors</see>.
/// Unconfirmed: <c>bad_refresh_token</c> for a dead GitHub App refresh token (community code only).
/// </summary>
internal sealed class GitHubFailureClassifier : ProviderFailureClassifier
{
    private GitHubFailureClassifier()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static GitHubFailureClassifier Instance { get; } = new();

    /// <inheritdoc/>
    protected override (TokenStatus Status, ReauthReason Reason)? ClassifyOwn(TokenEndpointResponse failure, TokenFailureContext context)
        => failure.Error?.ToLowerInvariant() switch
        {
            "bad_refresh_token" => (TokenStatus.ReauthRequired, Rfc6749FailureClassifier.DeadGrantReason(failure, context)),
            "incorrect_client_credentials" or "redirect_uri_mismatch" => (TokenStatus.ConfigurationError, ReauthReason.None),
            _ => null,
        };
}

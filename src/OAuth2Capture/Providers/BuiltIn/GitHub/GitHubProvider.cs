using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// GitHub (OAuth apps and GitHub Apps). Checked 2026-11 against
/// <see href="https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps">GitHub: authorizing OAuth apps</see>,
/// <see href="https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens">GitHub: refreshing user access tokens</see> and
/// <see href="https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation">GitHub: token expiration and revocation</see>.
/// </summary>
/// <remarks>
/// A GitHub App with expiring user tokens issues 8-hour access tokens and 6-month refresh tokens that rotate on every
/// use; an OAuth app's token has no refresh token and no expiry (GitHub revokes it after a year unused), so such a
/// connection is simply never refreshed. The token endpoint answers form-encoded unless asked for JSON and reports
/// errors inside HTTP 200 answers; the shared reader handles both, and <c>GitHubFailureClassifier</c>, next to this file,
/// reads GitHub's own error codes. PKCE (S256) is supported since 2025-07-14.
/// Revocation deletes the whole grant (<c>{client_id}</c> in <see cref="OAuthProviderDescriptor.RevocationEndpoint"/> is
/// replaced by the client id). Unconfirmed: the <c>bad_refresh_token</c> error code (community code only).
/// </remarks>
internal static class GitHubProvider
{
    /// <summary>Gets the descriptor of the built-in <c>github</c> provider.</summary>
    public static OAuthProviderDescriptor Descriptor { get; } = new()
    {
        Name = "github",
        DisplayName = "GitHub",
        AuthorizationEndpoint = "https://github.com/login/oauth/authorize",
        TokenEndpoint = "https://github.com/login/oauth/access_token",
        UserInformationEndpoint = "https://api.github.com/user",
        RevocationEndpoint = "https://api.github.com/applications/{client_id}/grant",
        DefaultScopes = ["read:user"],
        UsePkce = true,
        ClientAuthentication = ClientAuthenticationMethod.RequestBody,
        UserIdJsonPath = "id",
        DisplayNameJsonPath = "login",
        RefreshStrategy = StandardRefreshStrategy.Instance,
        FailureClassifier = GitHubFailureClassifier.Instance,
        Revocation = RevocationMethod.GitHubApplicationGrant,
        DocumentationUrl = "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
    };
}

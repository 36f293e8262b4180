using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// Reddit. Checked 2026-11 against <see href="https://github.com/reddit-archive/reddit/wiki/OAuth2">Reddit: OAuth2</see>,
/// <see href="https://github.com/reddit-archive/reddit/wiki/API">Reddit: API rules</see> and
/// <see href="https://www.reddit.com/r/redditdev/comments/kvzaot/oauth2_api_changes_upcoming/">r/redditdev: OAuth2 API changes (2021)</see>.
/// </summary>
/// <remarks>
/// Confirmed: the token endpoint requires Basic client authentication (else 401); a refresh token needs
/// <c>duration=permanent</c> on the authorize request; access tokens live 1 hour; a unique <c>User-Agent</c> of the form
/// <c>&lt;platform&gt;:&lt;app id&gt;:&lt;version&gt; (by /u/&lt;user&gt;)</c> is required (configure <c>UserAgent</c>; the
/// library sets it on the provider's <see cref="HttpClient"/>); API calls go to <c>oauth.reddit.com</c>. Announced in
/// 2021, enforcement unconfirmed: rotating refresh tokens with a 1-year lifetime. Unconfirmed: PKCE (off here), the
/// <c>invalid_grant</c> error for a dead refresh token, the user-info endpoint <c>/api/v1/me</c>.
/// </remarks>
internal static class RedditProvider
{
    /// <summary>Gets the descriptor of the built-in <c>reddit</c> provider.</summary>
    public static OAuthProviderDescriptor Descriptor { get; } = new()
    {
        Name = "reddit",
        DisplayName = "Reddit",
        AuthorizationEndpoint = "https://www.reddit.com/api/v1/authorize",
        TokenEndpoint = "https://www.reddit.com/api/v1/access_token",
        RevocationEndpoint = "https://www.reddit.com/api/v1/revoke_token",
        UserInformationEndpoint = "https://oauth.reddit.com/api/v1/me",
        DefaultScopes = ["identity", "submit"],
        AuthorizationParameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["duration"] = "permanent" },
        UsePkce = false,
        ClientAuthentication = ClientAuthenticationMethod.BasicHeader,
        RequiresUserAgent = true,
        UserIdJsonPath = "id",
        DisplayNameJsonPath = "name",
        RefreshStrategy = StandardRefreshStrategy.Instance,
        Revocation = RevocationMethod.Rfc7009,
        DocumentationUrl = "https://github.com/reddit-archive/reddit/wiki/OAuth2",
    };
}

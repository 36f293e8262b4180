using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// X (formerly Twitter), OAuth 2.0 with PKCE. Checked 2026-11 against
/// <see href="https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code">X: authorization code flow</see> and
/// <see href="https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token">X: user access token</see>.
/// </summary>
/// <remarks>
/// Confirmed: PKCE is required; confidential clients authenticate with a Basic header; access tokens live 2 hours; a
/// refresh token needs the <c>offline.access</c> scope; RFC 7009 revocation at <c>api.x.com/2/oauth2/revoke</c>.
/// Unconfirmed: the user-info endpoint <c>/2/users/me</c> (community code), the ~6-month refresh-token lifetime (a DevRel
/// blog post only), rotation (observed, not stated by X: each refresh returns a new refresh token and kills the old
/// one, so two environments sharing one X app can invalidate each other's tokens), and the <c>invalid_request</c> answer
/// for a dead refresh token (community reports), which <c>TwitterFailureClassifier</c>, next to this file, reads.
/// </remarks>
internal static class TwitterProvider
{
    /// <summary>Gets the descriptor of the built-in <c>twitter</c> provider.</summary>
    public static OAuthProviderDescriptor Descriptor { get; } = new()
    {
        Name = "twitter",
        DisplayName = "X",
        AuthorizationEndpoint = "https://x.com/i/oauth2/authorize",
        TokenEndpoint = "https://api.x.com/2/oauth2/token",
        RevocationEndpoint = "https://api.x.com/2/oauth2/revoke",
        UserInformationEndpoint = "https://api.x.com/2/users/me",
        DefaultScopes = ["tweet.read", "users.read", "offline.access"],
        UsePkce = true,
        ClientAuthentication = ClientAuthenticationMethod.BasicHeader,
        UserIdJsonPath = "data.id",
        DisplayNameJsonPath = "data.name",
        RefreshStrategy = StandardRefreshStrategy.Instance,
        FailureClassifier = TwitterFailureClassifier.Instance,
        Revocation = RevocationMethod.Rfc7009,
        DocumentationUrl = "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code",
    };
}

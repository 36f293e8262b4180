using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// LinkedIn, OAuth 2.0 with OpenID Connect user info. Checked 2026-11 against
/// <see href="https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow">LinkedIn: authorization code flow</see>,
/// <see href="https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens">LinkedIn: programmatic refresh tokens</see> and
/// <see href="https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2">Sign In with LinkedIn using OpenID Connect</see>.
/// </summary>
/// <remarks>
/// Confirmed: access tokens live 60 days; refresh tokens are issued only to approved partners, live 365 days from the
/// first grant and refreshing does not extend them (the answer carries <c>refresh_token_expires_in</c>); users accept
/// all requested scopes together. Unconfirmed: client authentication in the body (used here), PKCE for web apps (off
/// here; set <c>UsePkce</c> to turn it on), and a revocation endpoint (none is used: disconnecting only forgets the tokens).
/// </remarks>
internal static class LinkedInProvider
{
    /// <summary>Gets the descriptor of the built-in <c>linkedin</c> provider.</summary>
    public static OAuthProviderDescriptor Descriptor { get; } = new()
    {
        Name = "linkedin",
        DisplayName = "LinkedIn",
        AuthorizationEndpoint = "https://www.linkedin.com/oauth/v2/authorization",
        TokenEndpoint = "https://www.linkedin.com/oauth/v2/accessToken",
        UserInformationEndpoint = "https://api.linkedin.com/v2/userinfo",
        DefaultScopes = ["openid", "profile", "email", "w_member_social"],
        UsePkce = false,
        ClientAuthentication = ClientAuthenticationMethod.RequestBody,
        UserIdJsonPath = "sub",
        DisplayNameJsonPath = "name",
        RefreshStrategy = StandardRefreshStrategy.Instance,
        Revocation = RevocationMethod.None,
        DocumentationUrl = "https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens",
    };
}

using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// Pinterest API v5. Checked 2026-11 against <see href="https://github.com/pinterest/api-description">pinterest/api-description
/// (v5/openapi.json)</see> and <see href="https://github.com/pinterest/api-quickstart">pinterest/api-quickstart</see>.
/// </summary>
/// <remarks>
/// Confirmed: Basic client authentication; scopes are comma-separated; access tokens live 30 days; refresh tokens live
/// 60 days and each refresh answer carries a new <c>refresh_token</c> and <c>refresh_token_expires_in</c>; user tokens
/// cannot be revoked through the API (the revoke endpoint is for system-user tokens only), so none is used. Apps created
/// before 2025-09-25 must send <c>continuous_refresh=true</c> to get that behaviour, which this descriptor does not do.
/// The account id is read from <c>id</c> (stable) rather than <c>username</c> (which the user can change); the display
/// name is the username. Unconfirmed: PKCE (off here), the user-info endpoint <c>/v5/user_account</c> (its schema
/// lists <c>id</c> as optional) and the error for a dead refresh token.
/// </remarks>
internal static class PinterestProvider
{
    /// <summary>Gets the descriptor of the built-in <c>pinterest</c> provider.</summary>
    public static OAuthProviderDescriptor Descriptor { get; } = new()
    {
        Name = "pinterest",
        DisplayName = "Pinterest",
        AuthorizationEndpoint = "https://www.pinterest.com/oauth/",
        TokenEndpoint = "https://api.pinterest.com/v5/oauth/token",
        UserInformationEndpoint = "https://api.pinterest.com/v5/user_account",
        DefaultScopes = ["user_accounts:read", "pins:read", "pins:write", "boards:read"],
        ScopeSeparator = ",",
        UsePkce = false,
        ClientAuthentication = ClientAuthenticationMethod.BasicHeader,
        UserIdJsonPath = "id",
        DisplayNameJsonPath = "username",
        RefreshStrategy = StandardRefreshStrategy.Instance,
        Revocation = RevocationMethod.None,
        DocumentationUrl = "https://github.com/pinterest/api-description",
    };
}

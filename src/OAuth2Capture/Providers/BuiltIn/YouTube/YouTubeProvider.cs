using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// YouTube through Google OAuth 2.0 and OpenID Connect. Checked 2026-11 against
/// <see href="https://developers.google.com/identity/protocols/oauth2/web-server">Google: OAuth 2.0 for web server apps</see>,
/// <see href="https://developers.google.com/identity/protocols/oauth2">Google: OAuth 2.0 overview</see> and
/// <see href="https://developers.google.com/identity/openid-connect/reference">Google: OpenID Connect reference</see>.
/// </summary>
/// <remarks>
/// Google sends a refresh token only with <c>access_type=offline</c>, and only on the first exchange unless
/// <c>prompt=consent</c>, so both are set. Refresh tokens have no fixed expiry but die on user revocation, 6 months
/// unused, a password change (Gmail scopes), more than 100 tokens per account and client (the oldest dies silently),
/// admin policy, and after 7 days for apps in "Testing" status with external users; a dead one answers
/// <c>invalid_grant</c> "Token has been expired or revoked." (session control adds <c>error_subtype: invalid_rapt</c>, which
/// <see cref="YouTubeFailureClassifier"/> reads). A reconnect with <c>prompt=consent</c> issues a new refresh token and leaves the
/// old one alive at Google (it counts toward the 100); it is not revoked, since revoking a Google token ends the whole grant,
/// the new token included.
/// Unconfirmed: the ~1-hour access-token lifetime and that refresh tokens do not rotate.
/// </remarks>
internal static class YouTubeProvider
{
    /// <summary>Gets the descriptor of the built-in <c>youtube</c> provider.</summary>
    public static OAuthProviderDescriptor Descriptor { get; } = new()
    {
        Name = "youtube",
        DisplayName = "YouTube",
        AuthorizationEndpoint = "https://accounts.google.com/o/oauth2/v2/auth",
        TokenEndpoint = "https://oauth2.googleapis.com/token",
        RevocationEndpoint = "https://oauth2.googleapis.com/revoke",
        UserInformationEndpoint = "https://openidconnect.googleapis.com/v1/userinfo",
        DefaultScopes = ["openid", "profile", "https://www.googleapis.com/auth/youtube.upload"],
        AuthorizationParameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["access_type"] = "offline",
            ["prompt"] = "consent",
            ["include_granted_scopes"] = "true",
        },
        UsePkce = true,
        ClientAuthentication = ClientAuthenticationMethod.RequestBody,
        UserIdJsonPath = "sub",
        DisplayNameJsonPath = "name",
        RefreshStrategy = StandardRefreshStrategy.Instance,
        FailureClassifier = YouTubeFailureClassifier.Instance,
        Revocation = RevocationMethod.Rfc7009,
        DocumentationUrl = "https://developers.google.com/identity/protocols/oauth2/web-server",
    };
}

using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// Facebook (Meta Graph API <see cref="GraphApiVersion"/>). Checked 2026-11 against
/// <see href="https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived">Meta: long-lived tokens</see>,
/// <see href="https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow">Meta: manual login flow</see>,
/// <see href="https://developers.facebook.com/docs/graph-api/guides/error-handling">Meta: Graph API errors</see>,
/// <see href="https://developers.facebook.com/docs/graph-api/reference/user/permissions/">Meta: user permissions</see> and
/// <see href="https://developers.facebook.com/docs/graph-api/changelog/versions/">Meta: Graph API versions</see>.
/// </summary>
/// <remarks>
/// Facebook issues no refresh token: a still-valid long-lived token (about 60 days) is exchanged for a fresh one with
/// <c>grant_type=fb_exchange_token</c> (<see cref="FacebookExchangeRefreshStrategy"/>); an expired one cannot be.
/// A dead token answers <c>OAuthException</c> code 190 (subcodes 458 app removed, 460 password changed, 463 expired);
/// <c>FacebookFailureClassifier</c>, next to this file, reads the Graph error codes of the token exchange, and
/// <c>FacebookApiAnswerReader</c> those of the Graph API itself.
/// Revocation deletes the user's permissions. Version v25.0 (released 2026-02-18) is used because Meta publishes its
/// end of life as 2028-07-29, where v21.0 ends on 2027-01-21; override the endpoints to pin another version.
/// Unconfirmed: the user-info endpoint <c>/me?fields=id,name</c> (community usage). PKCE is only offered in an OIDC flow
/// Meta calls "in testing", so it is off.
/// </remarks>
internal static class FacebookProvider
{
    /// <summary>The Graph API version in the endpoints: <c>v25.0</c>.</summary>
    public const string GraphApiVersion = "v25.0";

    /// <summary>Gets the descriptor of the built-in <c>facebook</c> provider.</summary>
    public static OAuthProviderDescriptor Descriptor { get; } = new()
    {
        Name = "facebook",
        DisplayName = "Facebook",
        AuthorizationEndpoint = $"https://www.facebook.com/{GraphApiVersion}/dialog/oauth",
        TokenEndpoint = $"https://graph.facebook.com/{GraphApiVersion}/oauth/access_token",
        UserInformationEndpoint = $"https://graph.facebook.com/{GraphApiVersion}/me?fields=id,name",
        RevocationEndpoint = $"https://graph.facebook.com/{GraphApiVersion}/me/permissions",
        DefaultScopes = ["public_profile"],
        ScopeSeparator = ",",
        UsePkce = false,
        ClientAuthentication = ClientAuthenticationMethod.RequestBody,
        UserIdJsonPath = "id",
        DisplayNameJsonPath = "name",
        RefreshStrategy = FacebookExchangeRefreshStrategy.Instance,
        FailureClassifier = FacebookFailureClassifier.Instance,
        ApiAnswers = FacebookApiAnswerReader.Instance,
        Revocation = RevocationMethod.FacebookPermissions,
        DocumentationUrl = "https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived",
    };
}

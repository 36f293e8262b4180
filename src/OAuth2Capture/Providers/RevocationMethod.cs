namespace OAuth2Capture.Providers;

/// <summary>How a provider lets the app revoke a grant.</summary>
public enum RevocationMethod
{
    /// <summary>The provider offers no revocation API; deleting the connection only forgets the tokens.</summary>
    None,

    /// <summary><see href="https://www.rfc-editor.org/rfc/rfc7009">RFC 7009</see> token revocation at <see cref="OAuthProviderDescriptor.RevocationEndpoint"/>.</summary>
    Rfc7009,

    /// <summary>GitHub: <c>DELETE /applications/{client_id}/grant</c> with Basic client authentication and the access token in a JSON body.</summary>
    GitHubApplicationGrant,

    /// <summary>Facebook: <c>DELETE /me/permissions</c> with the user's access token.</summary>
    FacebookPermissions,
}

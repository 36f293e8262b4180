namespace OAuth2Capture.Providers;

/// <summary>
/// Configuration of one provider, bound from <c>OAuth2Capture:Providers:{name}</c>. For a built-in provider only the
/// client credentials are needed; any other name is a generic provider and needs its endpoints too.
/// </summary>
public sealed class OAuthProviderOptions
{
    /// <summary>Gets or sets the client id registered at the provider. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret registered at the provider. Required.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the name shown to users. <value>Default: the built-in name, else the configuration key.</value></summary>
    public string? DisplayName { get; set; }

    /// <summary>Gets or sets the scopes to request. <value>Default: the provider's default scopes.</value></summary>
    public IList<string>? Scopes { get; set; }

    /// <summary>Gets or sets the authorization endpoint. Required for a generic provider.</summary>
    public string? AuthorizationEndpoint { get; set; }

    /// <summary>Gets or sets the token endpoint. Required for a generic provider.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Gets or sets the user-info endpoint.</summary>
    public string? UserInformationEndpoint { get; set; }

    /// <summary>Gets or sets the RFC 7009 revocation endpoint.</summary>
    public string? RevocationEndpoint { get; set; }

    /// <summary>Gets or sets the RFC 7662 introspection endpoint.</summary>
    public string? IntrospectionEndpoint { get; set; }

    /// <summary>Gets or sets whether PKCE is used. <value>Default: the provider's; <see langword="true"/> for generic providers.</value></summary>
    public bool? UsePkce { get; set; }

    /// <summary>Gets or sets how the client authenticates at the token endpoint. <value>Default: the provider's; <c>RequestBody</c> for generic providers.</value></summary>
    public ClientAuthenticationMethod? ClientAuthentication { get; set; }

    /// <summary>Gets extra authorize parameters, merged over the provider's own.</summary>
    public IDictionary<string, string> AuthorizationParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the dotted JSON path of the account id in the user-info answer. <value>Default: the provider's; <c>sub</c> for generic providers.</value></summary>
    public string? UserIdJsonPath { get; set; }

    /// <summary>Gets or sets the dotted JSON path of the display name in the user-info answer. <value>Default: the provider's; <c>name</c> for generic providers.</value></summary>
    public string? DisplayNameJsonPath { get; set; }

    /// <summary>Gets or sets the <c>User-Agent</c> sent to the provider. Required for Reddit (<c>&lt;platform&gt;:&lt;app id&gt;:&lt;version&gt; (by /u/&lt;user&gt;)</c>).</summary>
    public string? UserAgent { get; set; }

    /// <summary>
    /// Gets or sets how a generic provider renews tokens: <c>Standard</c> (RFC 6749 §6) or <c>None</c> (no refresh tokens: expiry means re-auth).
    /// <value>Default: <c>Standard</c>. Ignored for built-in providers.</value>
    /// </summary>
    public string? RefreshStrategy { get; set; }
}

using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Providers;

/// <summary>
/// What OAuth2Capture knows about one provider: endpoints, scopes, authorize extras, how to read the account's id and
/// name, how to refresh, what its failed answers mean and how to revoke. Built-in providers are descriptors; a generic
/// provider is a descriptor built from configuration alone. Values here are defaults that
/// <see cref="OAuthProviderOptions"/> can override.
/// </summary>
public sealed record OAuthProviderDescriptor
{
    /// <summary>Gets the provider name used in configuration, routes and storage (lower case, for example <c>github</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the name shown to users (for example <c>GitHub</c>).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Gets the authorization endpoint.</summary>
    public required string AuthorizationEndpoint { get; init; }

    /// <summary>Gets the token endpoint.</summary>
    public required string TokenEndpoint { get; init; }

    /// <summary>Gets the endpoint that describes the connected account, if any.</summary>
    public string? UserInformationEndpoint { get; init; }

    /// <summary>Gets the revocation endpoint, if any (see <see cref="Revocation"/>).</summary>
    public string? RevocationEndpoint { get; init; }

    /// <summary>Gets the <see href="https://www.rfc-editor.org/rfc/rfc7662">RFC 7662</see> introspection endpoint, if any.</summary>
    public string? IntrospectionEndpoint { get; init; }

    /// <summary>Gets the scopes requested when the app configures none.</summary>
    public IReadOnlyList<string> DefaultScopes { get; init; } = [];

    /// <summary>Gets the separator placed between scopes in the authorize request (a space, except for providers that want commas).</summary>
    public string ScopeSeparator { get; init; } = " ";

    /// <summary>Gets a value indicating whether PKCE (<see href="https://www.rfc-editor.org/rfc/rfc7636">RFC 7636</see>, S256) is used.</summary>
    public bool UsePkce { get; init; } = true;

    /// <summary>Gets how the client authenticates at the token endpoint.</summary>
    public ClientAuthenticationMethod ClientAuthentication { get; init; } = ClientAuthenticationMethod.RequestBody;

    /// <summary>Gets extra parameters added to the authorize request (for example Reddit's <c>duration=permanent</c>).</summary>
    public IReadOnlyDictionary<string, string> AuthorizationParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the dotted JSON path of the account id in the user-info answer (for example <c>data.id</c>).</summary>
    public string UserIdJsonPath { get; init; } = "sub";

    /// <summary>Gets the dotted JSON path of the display name in the user-info answer.</summary>
    public string DisplayNameJsonPath { get; init; } = "name";

    /// <summary>Gets how expiring access tokens are renewed.</summary>
    internal IRefreshStrategy RefreshStrategy { get; init; } = StandardRefreshStrategy.Instance;

    /// <summary>
    /// Gets what the provider's failed token-endpoint answers mean: <see cref="Rfc6749FailureClassifier"/> (the default, and
    /// always that of a generic provider), or the provider's own reading of its error codes on top of it.
    /// </summary>
    internal ITokenFailureClassifier FailureClassifier { get; init; } = Rfc6749FailureClassifier.Instance;

    /// <summary>
    /// Gets what the provider's API answers say about the token they were sent (rejected, short of a scope):
    /// <see cref="ApiAnswers.ProviderApiAnswerReader.Rfc6750"/> (the default, and always that of a generic provider), or the
    /// provider's own reading in its folder.
    /// </summary>
    internal ApiAnswers.ProviderApiAnswerReader ApiAnswers { get; init; } = OAuth2Capture.Providers.ApiAnswers.ProviderApiAnswerReader.Rfc6750;

    /// <summary>Gets how a grant is revoked at the provider.</summary>
    public RevocationMethod Revocation { get; init; } = RevocationMethod.None;

    /// <summary>Gets a value indicating whether the provider requires a descriptive <c>User-Agent</c> (Reddit), so configuration must give one.</summary>
    public bool RequiresUserAgent { get; init; }

    /// <summary>Gets the provider documentation this descriptor was checked against, if any.</summary>
    public string? DocumentationUrl { get; init; }
}

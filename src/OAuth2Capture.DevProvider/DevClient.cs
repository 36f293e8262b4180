namespace OAuth2Capture.DevProvider;

/// <summary>
/// A client application registered with the dev provider through
/// <see cref="DevProviderServer.RegisterClientAsync(DevClient, CancellationToken)"/>.
/// </summary>
public sealed class DevClient
{
    /// <summary>Gets or sets the client identifier.</summary>
    public required string ClientId { get; init; }

    /// <summary>Gets or sets the name the consent page shows for the client.</summary>
    /// <value>Defaults to <see langword="null"/>: the client id.</value>
    public string? DisplayName { get; init; }

    /// <summary>
    /// Gets or sets the client secret.
    /// </summary>
    /// <value>
    /// The secret of a confidential client; <see langword="null"/> registers a public client, which must use PKCE.
    /// </value>
    public string? ClientSecret { get; init; }

    /// <summary>Gets the redirect URIs the client may use; they must match exactly, port included.</summary>
    public IList<Uri> RedirectUris { get; } = [];

    /// <summary>
    /// Gets the scopes the client may request.
    /// </summary>
    /// <value>Empty (the default) allows every scope the server knows (<see cref="DevProviderOptions.DefaultScopes"/> plus
    /// <see cref="DevProviderOptions.AdditionalScopes"/>).</value>
    public IList<string> Scopes { get; } = [];
}

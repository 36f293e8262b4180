namespace OAuth2Capture.Storage;

/// <summary>
/// Thrown when a provider account is already connected, so that a second row (or a second local owner) would be created.
/// One provider account is never silently moved from one local user to another.
/// </summary>
public sealed class ConnectionConflictException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="providerUserId">The account id at the provider.</param>
    /// <param name="innerException">The store's own exception, if any.</param>
    public ConnectionConflictException(string provider, string providerUserId, Exception? innerException = null)
        : base($"The {provider} account '{providerUserId}' is already connected.", innerException)
    {
        Provider = provider;
        ProviderUserId = providerUserId;
    }

    /// <summary>Gets the provider name.</summary>
    public string Provider { get; }

    /// <summary>Gets the account id at the provider.</summary>
    public string ProviderUserId { get; }
}

using System.Diagnostics.CodeAnalysis;
using OAuth2Capture.Providers.Revocation;

namespace OAuth2Capture.Tokens;

/// <summary>The answer of <see cref="IOAuthConnectionService.DisconnectAsync"/>.</summary>
public sealed class DisconnectResult
{
    private DisconnectResult(Guid connectionId)
    {
        ConnectionId = connectionId;
    }

    /// <summary>Gets a value indicating whether the owner's connection existed; when it did, its row is now deleted.</summary>
    [MemberNotNullWhen(true, nameof(Provider), nameof(ProviderDisplayName), nameof(Revocation))]
    public bool Found { get; private init; }

    /// <summary>Gets the connection id asked about.</summary>
    public Guid ConnectionId { get; }

    /// <summary>Gets the provider name (for example <c>github</c>), when <see cref="Found"/>.</summary>
    public string? Provider { get; private init; }

    /// <summary>Gets the provider's display name (the provider name when it is no longer configured), when <see cref="Found"/>.</summary>
    public string? ProviderDisplayName { get; private init; }

    /// <summary>
    /// Gets what happened at the provider, when <see cref="Found"/>: <see cref="RevocationStatus.Revoked"/> (the grant is
    /// gone there too), <see cref="RevocationStatus.NotSupported"/> (the provider offers no way; the user may remove access
    /// in the provider's settings) or <see cref="RevocationStatus.Failed"/> (the provider was not told; the grant may still
    /// be live there).
    /// </summary>
    public RevocationOutcome? Revocation { get; private init; }

    /// <summary>Creates the answer for an unknown connection id or someone else's connection: nothing was changed.</summary>
    /// <param name="connectionId">The connection id asked about.</param>
    /// <returns>The result.</returns>
    public static DisconnectResult NotFound(Guid connectionId) => new(connectionId);

    /// <summary>Creates the result of a deleted connection.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="providerDisplayName">The provider's display name.</param>
    /// <param name="revocation">What happened at the provider.</param>
    /// <returns>The result.</returns>
    public static DisconnectResult Disconnected(Guid connectionId, string provider, string providerDisplayName, RevocationOutcome revocation)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(providerDisplayName);
        ArgumentNullException.ThrowIfNull(revocation);
        return new DisconnectResult(connectionId)
        {
            Found = true,
            Provider = provider,
            ProviderDisplayName = providerDisplayName,
            Revocation = revocation,
        };
    }
}

using System.Net;

namespace OAuth2Capture.Providers.Revocation;

/// <summary>The result of revoking a connection's grant at its provider. Descriptions never contain token values.</summary>
public sealed record RevocationOutcome
{
    private RevocationOutcome(RevocationStatus status, string? description, HttpStatusCode? httpStatus)
    {
        Status = status;
        Description = description;
        HttpStatus = httpStatus;
    }

    /// <summary>Gets what happened.</summary>
    public RevocationStatus Status { get; }

    /// <summary>Gets a safe description naming the provider (and the HTTP status, when there was one); <see langword="null"/> on success.</summary>
    public string? Description { get; }

    /// <summary>Gets the HTTP status of the provider's last answer, when there was one.</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>Gets a value indicating whether the provider confirmed the revocation.</summary>
    public bool IsRevoked => Status == RevocationStatus.Revoked;

    /// <summary>Creates a success.</summary>
    /// <param name="httpStatus">The provider's HTTP status.</param>
    /// <returns>The outcome.</returns>
    public static RevocationOutcome Revoked(HttpStatusCode? httpStatus = null) => new(RevocationStatus.Revoked, null, httpStatus);

    /// <summary>Creates the outcome of a provider without a revocation API.</summary>
    /// <param name="providerName">The provider's display name.</param>
    /// <returns>The outcome.</returns>
    public static RevocationOutcome NotSupported(string providerName)
        => new(RevocationStatus.NotSupported, $"{providerName} offers no revocation API; the stored tokens were only forgotten.", null);

    /// <summary>Creates a failure.</summary>
    /// <param name="description">A description naming the provider and the HTTP status; never token values.</param>
    /// <param name="httpStatus">The provider's HTTP status, when there was an answer.</param>
    /// <returns>The outcome.</returns>
    public static RevocationOutcome Failed(string description, HttpStatusCode? httpStatus = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        return new(RevocationStatus.Failed, description, httpStatus);
    }
}

namespace OAuth2Capture.Providers.Revocation;

/// <summary>What happened when a grant was revoked at the provider.</summary>
public enum RevocationStatus
{
    /// <summary>The provider confirmed the revocation.</summary>
    Revoked,

    /// <summary>The provider offers no revocation API; only the stored tokens can be forgotten.</summary>
    NotSupported,

    /// <summary>The provider refused, failed or could not be reached; the grant may still be live at the provider.</summary>
    Failed,
}

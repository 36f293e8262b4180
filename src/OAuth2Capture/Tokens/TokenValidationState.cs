namespace OAuth2Capture.Tokens;

/// <summary>What a provider said about a stored access token.</summary>
public enum TokenValidationState
{
    /// <summary>The provider could not be asked or gave no usable answer (no endpoint, outage, connection missing).</summary>
    Unknown,

    /// <summary>The provider accepts the token.</summary>
    Active,

    /// <summary>The provider no longer accepts the token.</summary>
    Inactive,
}

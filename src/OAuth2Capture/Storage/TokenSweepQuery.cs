namespace OAuth2Capture.Storage;

/// <summary>
/// What <see cref="ITokenStore.StreamForSweepAsync"/> returns: active connections matching any of the bounds.
/// </summary>
public sealed class TokenSweepQuery
{
    /// <summary>Gets the end of the refresh window: connections whose access token expires at or before it (including expired ones).</summary>
    public required DateTimeOffset AccessTokenExpiresBefore { get; init; }

    /// <summary>Gets the keep-alive bound: connections last refreshed (else last authorized) at or before it; <see langword="null"/>: none.</summary>
    public DateTimeOffset? IdleSince { get; init; }

    /// <summary>Gets the notice bound: connections whose refresh token expires at or before it, or that have no refresh
    /// token and whose access token expires at or before it; <see langword="null"/>: none.</summary>
    public DateTimeOffset? GrantEndsBefore { get; init; }

    /// <summary>Gets how many rows one round trip reads.</summary>
    public int PageSize { get; init; } = 500;
}

namespace OAuth2Capture.Providers.Refresh;

/// <summary>What an <see cref="ITokenFailureClassifier"/> knows about the connection besides the failed answer.</summary>
/// <param name="Now">The current time.</param>
/// <param name="RefreshTokenExpiresAt">The stored refresh token's expiry, when known.</param>
/// <param name="EarlierRefreshInterrupted">
/// Whether an earlier refresh of this connection was interrupted after it may have reached the provider (it left its name
/// on the row's lease), so a rotated refresh token may have been issued and never stored.
/// </param>
internal readonly record struct TokenFailureContext(DateTimeOffset Now, DateTimeOffset? RefreshTokenExpiresAt = null, bool EarlierRefreshInterrupted = false);

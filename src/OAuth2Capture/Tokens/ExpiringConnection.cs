namespace OAuth2Capture.Tokens;

/// <summary>A connection whose grant ends soon and cannot be renewed without the user.</summary>
/// <param name="ConnectionId">The connection id.</param>
/// <param name="Provider">The provider name.</param>
/// <param name="DisplayName">The provider account's display name, when known.</param>
/// <param name="ExpiresAt">When the user will have to reconnect: the refresh token's expiry, or the access token's when the provider issues no refresh token.</param>
public sealed record ExpiringConnection(Guid ConnectionId, string Provider, string? DisplayName, DateTimeOffset ExpiresAt);

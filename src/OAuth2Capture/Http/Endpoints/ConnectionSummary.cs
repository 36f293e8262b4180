namespace OAuth2Capture.Http.Endpoints;

/// <summary>One connection as <c>GET {prefix}/</c> lists it (JSON, camelCase). Never contains token values.</summary>
internal sealed record ConnectionSummary(
    Guid Id,
    string Provider,
    string ProviderDisplayName,
    string? AccountName,
    string Status,
    string? Reason,
    DateTimeOffset? AccessTokenExpiresAt,
    DateTimeOffset? RefreshTokenExpiresAt,
    bool ExpiresSoon,
    string? LastError,
    DateTimeOffset ConnectedAt,
    DateTimeOffset? LastRefreshedAt,
    string ReconnectUrl,
    string RevokeUrl,
    string? Error = null);

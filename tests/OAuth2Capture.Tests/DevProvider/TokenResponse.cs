namespace OAuth2Capture.Tests.DevProvider;

/// <summary>A successful token-endpoint answer, as the dev provider sends it.</summary>
internal sealed record TokenResponse(
    string AccessToken,
    string? RefreshToken,
    string? IdToken,
    string TokenType,
    int ExpiresIn,
    string? Scope);

namespace OAuth2Capture.Tokens;

/// <summary>The provider's verdict on a stored access token (see <see cref="ITokenValidityService.ValidateWithProviderAsync"/>).</summary>
/// <param name="ConnectionId">The connection that was checked.</param>
/// <param name="State">What the provider said.</param>
/// <param name="CheckedAt">When the provider was asked (a cached answer keeps its original time).</param>
/// <param name="Method">How it was asked: <c>introspection</c>, <c>userinfo</c> or <c>none</c>.</param>
/// <param name="Detail">A description safe to log, when the check could not conclude.</param>
public sealed record TokenValidation(Guid ConnectionId, TokenValidationState State, DateTimeOffset CheckedAt, string Method, string? Detail = null);

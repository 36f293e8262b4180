namespace OAuth2Capture.Http;

/// <summary>What an endpoint needs: a usable token of <paramref name="Provider"/> carrying <paramref name="Scopes"/>.</summary>
/// <param name="Provider">The provider name.</param>
/// <param name="Scopes">Scopes the endpoint needs (none: any usable token will do).</param>
/// <param name="RedirectTo">Where browsers go instead of the connect URL when the user must (re)connect.</param>
internal sealed record OAuthTokenRequirement(string Provider, IReadOnlyList<string> Scopes, string? RedirectTo);

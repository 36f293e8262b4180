using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// The usable tokens that <c>[RequireOAuthToken]</c> or <c>.RequireOAuthToken()</c> obtained for the current request, by
/// provider. Read one with <c>HttpContext.GetOAuthToken("github")</c>.
/// </summary>
internal interface IOAuthTokenFeature
{
    /// <summary>Gets the results obtained so far, by provider name (case-insensitive); each one <see cref="TokenResult.Succeeded"/>.</summary>
    IReadOnlyDictionary<string, TokenResult> Tokens { get; }
}

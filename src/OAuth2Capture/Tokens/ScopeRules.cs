using OAuth2Capture.Providers;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Which scopes a grant holds, and what a grant lacking some means: the one place for both, asked by the endpoint
/// requirement (<c>[RequireOAuthToken("p", "scope")]</c>) and by the API handler when an API answers
/// <c>insufficient_scope</c>.
/// </summary>
internal static class ScopeRules
{
    /// <summary>
    /// The scopes the grant holds. RFC 6749 §5.1: a token answer without <c>scope</c> means the scopes requested, i.e. the
    /// configured ones. GitHub separates granted scopes with commas.
    /// </summary>
    public static IEnumerable<string> Granted(TokenResult result, OAuthProvider provider)
        => result.Scope?.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries) ?? provider.Scopes;

    /// <summary>
    /// The answer for a connection lacking <paramref name="missing"/>: the user reconnects and consents, unless a scope is
    /// one the app never asks for, which reconnecting cannot fix: that is the app's configuration.
    /// </summary>
    public static TokenResult Lacking(OAuthProvider provider, Guid connectionId, IReadOnlyCollection<string> missing, string? detail = null)
    {
        var neverRequested = missing.Except(provider.Scopes, StringComparer.Ordinal).ToList();
        if (neverRequested.Count > 0)
        {
            return TokenResult.ConfigurationError(provider.Name, connectionId, "insufficient_scope",
                $"{detail}An endpoint needs the scope(s) {string.Join(' ', neverRequested)}, which OAuth2Capture:Providers:{provider.Name}:Scopes does not request.");
        }

        return TokenResult.ReauthRequired(provider.Name, connectionId, ReauthReason.InsufficientScope, "insufficient_scope",
            missing.Count == 0
                ? $"{detail}The stored {provider.Name} grant lacks a scope the API needs."
                : $"{detail}The stored {provider.Name} grant lacks the scope(s) {string.Join(' ', missing)}.");
    }
}

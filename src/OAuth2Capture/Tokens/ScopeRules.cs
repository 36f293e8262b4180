using OAuth2Capture.Providers;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Which scopes a grant holds, what a grant lacking some means, and what a reconnect asks for: the one place for all
/// three, asked by the endpoint requirement (<c>[RequireOAuthToken("p", "scope")]</c>), by the API handler when an API
/// answers <c>insufficient_scope</c>, and by the connect endpoint.
/// </summary>
internal static class ScopeRules
{
    /// <summary>More scopes than any real endpoint needs at once: a longer list comes from a hostile or broken answer.</summary>
    public const int MaxMissingScopes = 20;

    private const int MaxScopeLength = 256;

    /// <summary>
    /// The scopes the grant holds. RFC 6749 §5.1: a token answer without <c>scope</c> means the scopes requested, i.e. the
    /// configured ones. GitHub separates granted scopes with commas.
    /// </summary>
    public static IEnumerable<string> Granted(TokenResult result, OAuthProvider provider)
        => result.Scope is { } scope ? Parse(scope) : provider.Scopes;

    /// <summary>The scope tokens of a stored or answered scope string (space or comma separated).</summary>
    public static IEnumerable<string> Parse(string? scope)
        => scope?.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>Of the scopes <paramref name="needed"/> by an endpoint or named by an API, those the grant lacks.</summary>
    public static IReadOnlyList<string> Missing(TokenResult result, OAuthProvider provider, IEnumerable<string> needed)
        => [.. needed.Except(Granted(result, provider), StringComparer.Ordinal)];

    /// <summary>
    /// The scopes a provider's answer (an API's <c>WWW-Authenticate</c>, a sealed connect link) names that a reconnect may
    /// ask for: well-formed scope tokens (RFC 6749 §3.3), at most <see cref="MaxMissingScopes"/>, since an answer may be hostile.
    /// </summary>
    public static IEnumerable<string> Requestable(IEnumerable<string> named)
        => named.Where(IsScopeToken).Distinct(StringComparer.Ordinal).Take(MaxMissingScopes);

    /// <summary>
    /// The answer for a connection lacking scopes: the user reconnects and consents to <paramref name="missing"/> on top of
    /// what the connection holds (scopes in context, whether or not the app configures them as base scopes). The
    /// connection is not dead and keeps serving what needs less.
    /// </summary>
    public static TokenResult Lacking(OAuthProvider provider, Guid connectionId, IReadOnlyCollection<string> missing, string? detail = null)
        => TokenResult.InsufficientScope(provider.Name, connectionId, missing,
            missing.Count == 0
                ? $"{detail}The stored {provider.Name} grant lacks a scope the API needs."
                : $"{detail}The stored {provider.Name} grant lacks the scope(s) {string.Join(' ', missing)}.");

    /// <summary>
    /// What a connect asking for <paramref name="extra"/> scopes requests: the configured scopes, those the user's latest
    /// connection holds (<paramref name="grantedScope"/>, so consenting to more never drops what was granted) and the
    /// extra ones. A plain connect (no extra scopes) asks for the configured scopes only.
    /// </summary>
    public static IReadOnlyList<string> ToRequest(OAuthProvider provider, string? grantedScope, IReadOnlyCollection<string> extra)
        => extra.Count == 0
            ? provider.Scopes
            : [.. provider.Scopes.Concat(Parse(grantedScope).Where(IsScopeToken)).Concat(extra).Distinct(StringComparer.Ordinal)];

    /// <summary>RFC 6749 §3.3: <c>scope-token = 1*( %x21 / %x23-5B / %x5D-7E )</c>, here with a length bound.</summary>
    public static bool IsScopeToken(string scope)
        => scope.Length is > 0 and <= MaxScopeLength
            && scope.All(c => c is '\x21' or (>= '\x23' and <= '\x5B') or (>= '\x5D' and <= '\x7E'));
}

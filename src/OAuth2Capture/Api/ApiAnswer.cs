using System.Net;
using System.Text.RegularExpressions;

namespace OAuth2Capture.Api;

/// <summary>What a provider API's answer says about the access token it was sent.</summary>
internal enum ApiVerdict
{
    /// <summary>Nothing about the token: the app reads the answer.</summary>
    None,

    /// <summary>The API rejected the token (HTTP 401): it may be dead.</summary>
    TokenRejected,

    /// <summary>The token lacks a scope (RFC 6750 <c>insufficient_scope</c>); the connection is not dead.</summary>
    MissingScope,
}

/// <summary>
/// Reads a provider API's answer as RFC 6750 §3 defines it: 401 means the token was not accepted (whatever the
/// <c>WWW-Authenticate</c> error, since APIs differ in how they say it); 403 with <c>Bearer error="insufficient_scope"</c>
/// means the token lacks the scopes named in <c>scope</c>. Any other answer is the app's to read.
/// </summary>
internal static partial class ApiAnswer
{
    public static (ApiVerdict Verdict, IReadOnlyList<string> Scopes) Read(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return (ApiVerdict.TokenRejected, []);
        }

        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            foreach (var challenge in response.Headers.WwwAuthenticate)
            {
                if (string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) && challenge.Parameter is { } parameters
                    && Parameter(parameters, "error") == "insufficient_scope")
                {
                    var scopes = Parameter(parameters, "scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
                    return (ApiVerdict.MissingScope, scopes);
                }
            }
        }

        return (ApiVerdict.None, []);
    }

    /// <summary>One auth-param of a challenge (RFC 9110 §11.2: <c>name=token</c> or <c>name="quoted string"</c>).</summary>
    private static string? Parameter(string parameters, string name)
    {
        foreach (Match match in AuthParam().Matches(parameters))
        {
            if (string.Equals(match.Groups["name"].Value, name, StringComparison.OrdinalIgnoreCase))
            {
                return match.Groups["quoted"].Success ? Unescape(match.Groups["quoted"].Value) : match.Groups["token"].Value;
            }
        }

        return null;
    }

    private static string Unescape(string quoted) => quoted.Contains('\\', StringComparison.Ordinal) ? Backslash().Replace(quoted, "$1") : quoted;

    [GeneratedRegex("""(?<name>[A-Za-z0-9_\-]+)\s*=\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<token>[^\s,]*))""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex AuthParam();

    [GeneratedRegex("""\\(.)""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Backslash();
}

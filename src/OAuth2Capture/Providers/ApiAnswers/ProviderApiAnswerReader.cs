using System.Net;
using System.Text.RegularExpressions;

namespace OAuth2Capture.Providers.ApiAnswers;

/// <summary>What a provider API's answer says about the access token it was sent.</summary>
internal enum ApiVerdict
{
    /// <summary>Nothing about the token: the app reads the answer.</summary>
    None,

    /// <summary>The API rejected the token: it may be dead.</summary>
    TokenRejected,

    /// <summary>The token lacks a scope; the connection is not dead.</summary>
    MissingScope,
}

/// <summary>A verdict, and the scopes the API named as missing (none when it named none).</summary>
internal readonly record struct ApiAnswer(ApiVerdict Verdict, IReadOnlyList<string> MissingScopes)
{
    public static ApiAnswer Nothing { get; } = new(ApiVerdict.None, []);
}

/// <summary>
/// Reads a provider API's answer as RFC 6750 §3 defines it: 401 means the token was not accepted (whatever the
/// <c>WWW-Authenticate</c> error, since APIs differ in how they say it); 403 with <c>Bearer error="insufficient_scope"</c>
/// means the token lacks the scopes named in <c>scope</c>. Any other answer is the app's to read. A provider whose API
/// says it otherwise (Meta's Graph errors in a 400 body) derives from this in its own folder and is named in its
/// descriptor, as its token-endpoint classifier is.
/// </summary>
internal partial class ProviderApiAnswerReader
{
    protected ProviderApiAnswerReader()
    {
    }

    /// <summary>Gets the RFC 6750 reading, every provider's default.</summary>
    public static ProviderApiAnswerReader Rfc6750 { get; } = new();

    /// <summary>Reads the answer; a reader that must look at the body leaves it readable for the app.</summary>
    /// <param name="provider">The provider (its bounds).</param>
    /// <param name="response">The API's answer.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The verdict.</returns>
    public virtual ValueTask<ApiAnswer> ReadAsync(OAuthProvider provider, HttpResponseMessage response, CancellationToken cancellationToken)
        => new(ReadChallenge(response));

    /// <summary>The RFC 6750 reading of the status and the <c>WWW-Authenticate</c> challenge.</summary>
    protected static ApiAnswer ReadChallenge(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return new(ApiVerdict.TokenRejected, []);
        }

        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            foreach (var challenge in response.Headers.WwwAuthenticate)
            {
                if (string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) && challenge.Parameter is { } parameters
                    && Parameter(parameters, "error") == "insufficient_scope")
                {
                    return new(ApiVerdict.MissingScope, Parameter(parameters, "scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? []);
                }
            }
        }

        return ApiAnswer.Nothing;
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

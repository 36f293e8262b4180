using System.Net;
using System.Text.Json;
using OAuth2Capture.Providers.ApiAnswers;
using OAuth2Capture.Providers.Responses;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// How Meta's Graph API says a token is dead or short of a permission, checked 2026-11 against
/// <see href="https://developers.facebook.com/docs/graph-api/guides/error-handling">Meta: Graph API errors</see>: an
/// error object <c>{"error":{"type":"OAuthException","code":190,…}}</c>, usually with HTTP 400, not 401. Code 190 is
/// an invalid access token (expired, revoked, password changed, app removed): rejected, so the library confirms it with
/// the long-lived exchange, whose own 190 subcode then says why. Codes 10 and 200 to 299 are missing permissions (Meta
/// names no scope). Anything else, the RFC 6750 reading.
/// </summary>
internal sealed class FacebookApiAnswerReader : ProviderApiAnswerReader
{
    private FacebookApiAnswerReader()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static FacebookApiAnswerReader Instance { get; } = new();

    /// <inheritdoc/>
    public override async ValueTask<ApiAnswer> ReadAsync(OAuthProvider provider, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(response);
        var standard = ReadChallenge(response);
        if (standard.Verdict != ApiVerdict.None
            || response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
            || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return standard;
        }

        // Buffered within the provider's bound, so the app can still read the body it was answered.
        string body;
        try
        {
            await response.Content.LoadIntoBufferAsync(provider.ResponseLimits.MaxSize, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return standard; // too large or cut off: not an error object we can read
        }

        try
        {
            using var document = ProviderJson.Parse(body, provider.ResponseLimits.MaxJsonDepth, out var tooDeep);
            if (document is null || tooDeep || document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object
                || !error.TryGetProperty("code", out var code) || !code.TryGetInt32(out var number))
            {
                return standard;
            }

            return number == FacebookGraphErrors.InvalidToken ? new(ApiVerdict.TokenRejected, [])
                : FacebookGraphErrors.IsMissingPermission(number) ? new(ApiVerdict.MissingScope, [])
                : standard;
        }
        catch (JsonException)
        {
            return standard;
        }
    }
}

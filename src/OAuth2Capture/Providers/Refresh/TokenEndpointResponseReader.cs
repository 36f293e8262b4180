using System.Globalization;
using System.Net;
using System.Text.Json;
using OAuth2Capture.Providers.Responses;

namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// Reads a token endpoint's answer, whatever its shape, into a <see cref="TokenEndpointResponse"/>: JSON or form-encoded
/// bodies, errors inside a 200 (GitHub), error objects (Facebook Graph, whose code and subcode are kept as data), HTML
/// pages and truncated JSON. It reads shapes only; what a provider's codes mean is its failure classifier's call.
/// </summary>
internal static class TokenEndpointResponseReader
{
    private const int MaxDescriptionLength = 300;

    // Lifetimes beyond 100 years (or "Infinity", which double.TryParse accepts) are capped instead of overflowing TimeSpan.
    private const double MaxLifetimeSeconds = 100 * 365.25 * 24 * 3600;

    public static TokenEndpointResponse Read(string providerName, HttpStatusCode status, string? mediaType, TimeSpan? retryAfter, string body, ProviderResponseLimits? limits = null)
    {
        limits ??= ProviderResponseLimits.Default;
        var code = (int)status;
        var trimmed = body.AsSpan().TrimStart();
        var looksJson = trimmed.Length > 0 && trimmed[0] == '{';
        var looksHtml = (mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? false) || (trimmed.Length > 0 && trimmed[0] == '<');

        if (looksJson)
        {
            JsonDocument? document;
            try
            {
                document = ProviderJson.Parse(body, limits.MaxJsonDepth, out var tooDeep);
                if (document is null || tooDeep)
                {
                    return TokenEndpointResponse.Failure(TokenEndpointFailureKind.OversizedResponse, status, "response_too_deep",
                        limits.TooDeep(providerName, code), retryAfter: retryAfter);
                }
            }
            catch (JsonException)
            {
                return code >= 500 || code == 429
                    ? Unavailable(providerName, status, retryAfter, "with malformed JSON")
                    : TokenEndpointResponse.Failure(TokenEndpointFailureKind.MalformedResponse, status, "malformed_response",
                        $"{providerName} answered HTTP {code} with malformed JSON.");
            }

            using (document)
            {
                return document.RootElement.ValueKind == JsonValueKind.Object
                    ? FromFields(providerName, status, retryAfter, new JsonFields(document.RootElement))
                    : TokenEndpointResponse.Failure(TokenEndpointFailureKind.MalformedResponse, status, "malformed_response",
                        $"{providerName} answered HTTP {code} with JSON that is not an object.");
            }
        }

        if (looksHtml || trimmed.Length == 0 || !(mediaType?.Contains("form-urlencoded", StringComparison.OrdinalIgnoreCase) ?? false) && !body.Contains('=', StringComparison.Ordinal))
        {
            if (code >= 500 || code == 408 || code == 429)
            {
                return Unavailable(providerName, status, retryAfter, looksHtml ? "with an HTML page instead of JSON" : "without a usable body");
            }

            if (looksHtml)
            {
                return TokenEndpointResponse.Failure(TokenEndpointFailureKind.MalformedResponse, status, "unexpected_html",
                    $"{providerName} answered HTTP {code} with an HTML page instead of a token response; check the token endpoint.");
            }

            // An empty 4xx (401 from a Basic-auth check, 404 from a wrong path) is an answer without an OAuth error code;
            // the classifier decides by status.
            return code is >= 400 and < 500
                ? TokenEndpointResponse.Failure(TokenEndpointFailureKind.OAuthError, status, null, $"{providerName} answered HTTP {code} without an OAuth error code.")
                : TokenEndpointResponse.Failure(TokenEndpointFailureKind.MalformedResponse, status, "malformed_response", $"{providerName} answered HTTP {code} without a token response.");
        }

        // Form-encoded answers: GitHub without Accept: application/json, and some older providers.
        return FromFields(providerName, status, retryAfter, new FormFields(body));
    }

    private static TokenEndpointResponse Unavailable(string providerName, HttpStatusCode status, TimeSpan? retryAfter, string how)
        => TokenEndpointResponse.Failure(
            status == HttpStatusCode.TooManyRequests ? TokenEndpointFailureKind.RateLimited : TokenEndpointFailureKind.ServerError,
            status, null, $"{providerName} answered HTTP {(int)status} {how}.", retryAfter: retryAfter);

    private static TokenEndpointResponse FromFields(string providerName, HttpStatusCode status, TimeSpan? retryAfter, IFields fields)
    {
        var code = (int)status;
        if (fields.TryGetError(out var error, out var description, out var subcode))
        {
            var kind = TokenEndpointFailureKind.OAuthError;
            if (code == 429)
            {
                kind = TokenEndpointFailureKind.RateLimited;
            }
            else if (error is "server_error" or "temporarily_unavailable" || (code >= 500 && error is not ("invalid_grant" or "invalid_client")))
            {
                kind = TokenEndpointFailureKind.ServerError;
            }

            return TokenEndpointResponse.Failure(kind, status, error, Truncate(description), subcode, retryAfter);
        }

        if (code == 429 || code >= 500 || code == 408)
        {
            return Unavailable(providerName, status, retryAfter, "without an OAuth error");
        }

        if (code is < 200 or >= 300)
        {
            return TokenEndpointResponse.Failure(TokenEndpointFailureKind.OAuthError, status, null,
                $"{providerName} answered HTTP {code} without an OAuth error code.");
        }

        var accessToken = fields.GetString("access_token");
        if (string.IsNullOrEmpty(accessToken))
        {
            return TokenEndpointResponse.Failure(TokenEndpointFailureKind.MalformedResponse, status, "malformed_response",
                $"{providerName} answered HTTP {code} without an access_token.");
        }

        return TokenEndpointResponse.Success(
            accessToken,
            fields.GetString("refresh_token"),
            fields.GetString("token_type"),
            fields.GetSeconds("expires_in") ?? fields.GetSeconds("expires"),
            fields.GetSeconds("refresh_token_expires_in"),
            fields.GetString("scope"));
    }


    private static string? Truncate(string? value)
        => value is null || value.Length <= MaxDescriptionLength ? value : value[..MaxDescriptionLength] + "…";

    private interface IFields
    {
        string? GetString(string name);

        TimeSpan? GetSeconds(string name);

        bool TryGetError(out string? error, out string? description, out string? subcode);
    }

    private sealed class JsonFields(JsonElement root) : IFields
    {
        public string? GetString(string name)
            => root.TryGetProperty(name, out var value) ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            } : null;

        public TimeSpan? GetSeconds(string name) => ParseSeconds(GetString(name));

        public bool TryGetError(out string? error, out string? description, out string? subcode)
        {
            error = description = subcode = null;
            if (!root.TryGetProperty("error", out var value))
            {
                return false;
            }

            if (value.ValueKind == JsonValueKind.Object)
            {
                // Facebook Graph: {"error":{"message":…,"type":"OAuthException","code":190,"error_subcode":463}}
                error = value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : "error";
                description = value.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
                var graphCode = GetInt32(value, "code");
                var sub = GetInt32(value, "error_subcode");
                subcode = graphCode is null ? null : sub is null ? graphCode.Value.ToString(CultureInfo.InvariantCulture) : $"{graphCode}/{sub}";
                return true;
            }

            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.False)
            {
                // {"access_token":…,"error":null}: no error.
                return false;
            }

            error = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            if (string.IsNullOrEmpty(error))
            {
                return false;
            }

            description = GetString("error_description");
            subcode = GetString("error_subtype");
            return true;
        }
    }

    // TryGetInt32 throws for anything but a number, so a provider sending "code":"190" must not reach it unchecked.
    private static int? GetInt32(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out var number) ? number : null,
            JsonValueKind.String => int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
            _ => null,
        };
    }

    private sealed class FormFields(string body) : IFields
    {
        private readonly Dictionary<string, string> values = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body)
            .ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);

        public string? GetString(string name) => values.TryGetValue(name, out var value) ? value : null;

        public TimeSpan? GetSeconds(string name) => ParseSeconds(GetString(name));

        public bool TryGetError(out string? error, out string? description, out string? subcode)
        {
            error = GetString("error");
            description = GetString("error_description");
            subcode = null;
            return !string.IsNullOrEmpty(error);
        }
    }

    private static TimeSpan? ParseSeconds(string? value)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds < MaxLifetimeSeconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(MaxLifetimeSeconds)
            : null;
}

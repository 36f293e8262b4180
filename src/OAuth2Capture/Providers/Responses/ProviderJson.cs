using System.Text;
using System.Text.Json;

namespace OAuth2Capture.Providers.Responses;

/// <summary>Parses a provider's JSON within <see cref="ProviderResponseLimits.MaxJsonDepth"/>, telling "nested too deep" from "malformed".</summary>
internal static class ProviderJson
{
    /// <summary>Parses <paramref name="body"/>.</summary>
    /// <param name="body">The body.</param>
    /// <param name="maxDepth">The deepest nesting accepted.</param>
    /// <param name="tooDeep">Set when the body nests deeper than <paramref name="maxDepth"/> (the result is then <see langword="null"/>).</param>
    /// <returns>The document, or <see langword="null"/> when too deep.</returns>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static JsonDocument? Parse(string body, int maxDepth, out bool tooDeep)
    {
        tooDeep = false;
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException) when (NestsDeeperThan(body, maxDepth))
        {
            tooDeep = true;
            return null;
        }
    }

    // The reader is iterative, so even 10,000 levels cost no stack; it stops at the first container past the bound.
    private static bool NestsDeeperThan(string body, int maxDepth)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body), new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= maxDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed before any container past the bound.
        }

        return false;
    }
}

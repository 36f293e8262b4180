using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>The request's tokens, filled by the requirement evaluator.</summary>
internal sealed class OAuthTokenFeature : IOAuthTokenFeature
{
    private readonly Dictionary<string, TokenResult> tokens = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, TokenResult> Tokens => tokens;

    public void Set(TokenResult result) => tokens[result.Provider] = result;
}

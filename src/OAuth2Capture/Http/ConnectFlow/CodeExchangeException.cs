using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>The provider refused or failed the authorization-code exchange; carries the classified answer.</summary>
internal sealed class CodeExchangeException(TokenEndpointResponse response)
    : Exception(response.ErrorDescription ?? response.ToString())
{
    public TokenEndpointResponse Response { get; } = response;
}

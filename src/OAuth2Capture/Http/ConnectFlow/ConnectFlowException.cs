namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>A connect-flow failure that already knows the answer to give the user.</summary>
internal sealed class ConnectFlowException(OAuth2CaptureError error) : Exception(error.Detail)
{
    public OAuth2CaptureError Error { get; } = error;
}

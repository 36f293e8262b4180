namespace OAuth2Capture;

/// <summary>The names and templates of the endpoints <c>MapOAuth2Capture()</c> maps, shared with the links built to them.</summary>
internal static class OAuth2CaptureRoutes
{
    public const string ListName = "OAuth2Capture.List";
    public const string ConnectName = "OAuth2Capture.Connect";
    public const string CallbackName = "OAuth2Capture.Callback";
    public const string RevokeName = "OAuth2Capture.Revoke";

    public const string ListTemplate = "/";
    public const string ConnectTemplate = "/{provider}/connect";
    public const string CallbackTemplate = "/{provider}/callback";
    public const string RevokeTemplate = "/{id:guid}/revoke";
}

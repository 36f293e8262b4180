namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>Keys of what travels through the provider round trip in <c>AuthenticationProperties.Items</c> (inside the protected state).</summary>
internal static class ConnectFlowItems
{
    public const string Owner = "oauth2capture.owner";
    public const string ReturnUrl = "oauth2capture.returnUrl";
    public const string PendingAction = "oauth2capture.pendingAction";
    public const string ConnectionId = "oauth2capture.connectionId";
    public const string Reconnected = "oauth2capture.reconnected";

    /// <summary>The scopes a connect asked for beyond the configured ones, space separated: what a token answer without <c>scope</c> was granted.</summary>
    public const string RequestedScopes = "oauth2capture.requestedScopes";

    /// <summary>
    /// The key, in <c>HttpContext.Items</c> (never in the state), of the code exchange's parsed answer, which the capture
    /// step reads as it is instead of parsing the framework's copy again.
    /// </summary>
    public static readonly object ExchangedTokens = new();
}

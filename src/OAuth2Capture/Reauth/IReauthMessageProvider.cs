namespace OAuth2Capture.Reauth;

/// <summary>
/// Words the friendly, specific message shown to a user whose connection cannot be used ("Your GitHub connection has
/// expired. Reconnect to continue."). Replace it (<c>AddOAuth2Capture().UseReauthMessageProvider&lt;T&gt;()</c>) to change
/// the wording or to localize it; the default covers every <see cref="ReauthReason"/> and
/// <see cref="TokenStatus"/>.
/// </summary>
/// <remarks>
/// Messages are shown to end users: in the re-auth redirect (TempData key
/// <see cref="OAuth2CaptureDefaults.TempDataMessageKey"/>), in problem details' <c>detail</c>, on error pages and in the
/// reconnect banner. They are HTML-encoded where rendered, so return plain text. Never put token values in them.
/// </remarks>
public interface IReauthMessageProvider
{
    /// <summary>Gets the message for a connection's situation.</summary>
    /// <param name="context">The provider, its display name, the status and the re-auth reason.</param>
    /// <returns>A short, plain-text message for the user.</returns>
    string GetMessage(ReauthMessageContext context);
}

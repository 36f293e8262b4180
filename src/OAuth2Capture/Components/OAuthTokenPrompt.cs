namespace OAuth2Capture.Components;

/// <summary>What <see cref="RequireOAuthToken"/> shows instead of its content: why, and where the user fixes it.</summary>
/// <param name="Provider">The provider name.</param>
/// <param name="DisplayName">The provider's display name.</param>
/// <param name="Status">Why there is no usable token.</param>
/// <param name="Reason">The re-auth reason, when <see cref="TokenStatus.ReauthRequired"/>.</param>
/// <param name="Message">The user-facing sentence (from the app's <see cref="Reauth.IReauthMessageProvider"/>).</param>
/// <param name="ConnectUrl">The (re)connect URL coming back to this page; <see langword="null"/> when reconnecting cannot help (an outage, the operator's configuration).</param>
public sealed record OAuthTokenPrompt(string Provider, string DisplayName, TokenStatus Status, ReauthReason Reason, string Message, string? ConnectUrl);

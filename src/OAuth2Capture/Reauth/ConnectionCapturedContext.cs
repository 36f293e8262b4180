using Microsoft.AspNetCore.Http;

namespace OAuth2Capture.Reauth;

/// <summary>What <see cref="OAuth2CaptureEvents.ConnectionCaptured"/> receives after a successful (re)connect.</summary>
public sealed class ConnectionCapturedContext
{
    internal ConnectionCapturedContext(HttpContext httpContext, string provider, string providerDisplayName, Guid connectionId, string ownerId, bool reconnected, string returnUrl, string? pendingAction)
    {
        HttpContext = httpContext;
        Provider = provider;
        ProviderDisplayName = providerDisplayName;
        ConnectionId = connectionId;
        OwnerId = ownerId;
        Reconnected = reconnected;
        ReturnUrl = returnUrl;
        PendingAction = pendingAction;
        Message = reconnected
            ? $"Your {providerDisplayName} account is reconnected."
            : $"Your {providerDisplayName} account is connected.";
    }

    /// <summary>Gets the callback request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Gets the provider name.</summary>
    public string Provider { get; }

    /// <summary>Gets the provider's display name.</summary>
    public string ProviderDisplayName { get; }

    /// <summary>Gets the stored connection's id.</summary>
    public Guid ConnectionId { get; }

    /// <summary>Gets the app's user id.</summary>
    public string OwnerId { get; }

    /// <summary>Gets a value indicating whether an existing connection was renewed (as opposed to a new account connected).</summary>
    public bool Reconnected { get; }

    /// <summary>Gets the pending action the app parked with the connect URL (see <c>GetConnectUrl(provider, returnUrl, pendingAction)</c>), already
    /// verified to come from this app for this user; <see langword="null"/> when none. Retry it here, once.</summary>
    public string? PendingAction { get; }

    /// <summary>Gets or sets where the user lands (a local URL; anything else falls back to the configured default).</summary>
    public string ReturnUrl { get; set; }

    /// <summary>Gets or sets the message shown after the redirect (TempData key <c>OAuth2Capture.Message</c>); <see langword="null"/> for none.</summary>
    public string? Message { get; set; }
}

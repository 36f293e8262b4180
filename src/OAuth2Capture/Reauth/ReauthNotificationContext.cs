using OAuth2Capture.Tokens;

namespace OAuth2Capture.Reauth;

/// <summary>One connection's change of health, handed to <see cref="IReauthNotifier.NotifyAsync"/>.</summary>
public sealed class ReauthNotificationContext
{
    /// <summary>Gets what happened.</summary>
    public required ReauthNotificationKind Kind { get; init; }

    /// <summary>Gets the connection id.</summary>
    public required Guid ConnectionId { get; init; }

    /// <summary>Gets the app's user id that owns the connection.</summary>
    public required string OwnerId { get; init; }

    /// <summary>Gets the provider name, for example <c>github</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the provider's display name, for example <c>GitHub</c>.</summary>
    public required string ProviderDisplayName { get; init; }

    /// <summary>Gets the account's display name at the provider, when known.</summary>
    public string? AccountDisplayName { get; init; }

    /// <summary>Gets why re-authorization is required (<see cref="ReauthReason.None"/> unless <see cref="Kind"/> is
    /// <see cref="ReauthNotificationKind.ReauthRequired"/>).</summary>
    public ReauthReason Reason { get; init; }

    /// <summary>Gets a description safe to show an operator (never a token value), when there is one.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the app-relative path that reconnects the provider: <c>{PathPrefix}/{provider}/connect</c>. Prepend the
    /// app's origin and path base to build a link for an e-mail; add <c>?returnUrl=…</c> to bring the user back somewhere.</summary>
    public required string ReconnectPath { get; init; }

    /// <summary>Gets when the grant ends, for <see cref="ReauthNotificationKind.ExpiringWithoutRefresh"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets when the transition was recorded.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

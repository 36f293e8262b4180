using System.Collections.Concurrent;
using OAuth2Capture.Reauth;

namespace ReauthSample.Services;

/// <summary>One line of the dashboard's notification list.</summary>
public sealed record InAppNotification(DateTimeOffset At, ReauthNotificationKind Kind, string Provider, string Text, string ReconnectPath);

/// <summary>
/// The sample's in-app notification list: OAuth2Capture's <see cref="IReauthNotifier"/> tells it when a connection
/// needs the user, recovers, or will end without a way to renew it (once per transition, even with several instances).
/// Kept in memory for the demo; a real app stores them with its own notifications.
/// </summary>
public sealed class InAppNotifications : IReauthNotifier
{
    private const int KeepPerUser = 20;
    private readonly ConcurrentDictionary<string, List<InAppNotification>> byOwner = new(StringComparer.Ordinal);

    public Task NotifyAsync(ReauthNotificationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = context.Kind switch
        {
            ReauthNotificationKind.ReauthRequired => $"{context.ProviderDisplayName} needs you to reconnect ({context.Reason}).",
            ReauthNotificationKind.Recovered => $"{context.ProviderDisplayName} is working again.",
            ReauthNotificationKind.ExpiringWithoutRefresh => $"{context.ProviderDisplayName} will stop working on {context.ExpiresAt:d} unless you reconnect.",
            _ => $"{context.ProviderDisplayName}: {context.Kind}.",
        };
        var list = byOwner.GetOrAdd(context.OwnerId, _ => []);
        lock (list)
        {
            list.Insert(0, new InAppNotification(context.OccurredAt, context.Kind, context.Provider, text, context.ReconnectPath));
            if (list.Count > KeepPerUser)
            {
                list.RemoveAt(list.Count - 1);
            }
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<InAppNotification> For(string ownerId)
    {
        if (!byOwner.TryGetValue(ownerId, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }
}

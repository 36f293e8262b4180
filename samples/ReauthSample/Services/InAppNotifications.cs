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
public sealed class InAppNotifications(TimeProvider time) : IReauthNotifier
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
        Append(context.OwnerId, new InAppNotification(context.OccurredAt, context.Kind, context.Provider, text, context.ReconnectPath));
        return Task.CompletedTask;
    }

    /// <summary>The app's own notice about a connection that needs the user (for example a parked scheduled post).</summary>
    public void Add(string ownerId, string provider, string text, string linkPath)
        => Append(ownerId, new InAppNotification(time.GetUtcNow(), ReauthNotificationKind.ReauthRequired, provider, text, linkPath));

    private void Append(string ownerId, InAppNotification notification)
    {
        var list = byOwner.GetOrAdd(ownerId, _ => []);
        lock (list)
        {
            list.Insert(0, notification);
            if (list.Count > KeepPerUser)
            {
                list.RemoveAt(list.Count - 1);
            }
        }
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

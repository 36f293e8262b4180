using OAuth2Capture.Reauth;

namespace OAuth2Capture.Tests.Background;

/// <summary>The e-mail notifier of docs/background-refresh.md, compiled here so the snippet stays correct.</summary>
public interface IEmailOutbox
{
    /// <summary>Queues a message.</summary>
    Task EnqueueAsync(string ownerId, string subject, string body, CancellationToken cancellationToken);
}

/// <summary>Queues an e-mail (never sends inline) when a connection needs the user.</summary>
public sealed class EmailReauthNotifier(IEmailOutbox queue, Uri publicOrigin) : IReauthNotifier
{
    public Task NotifyAsync(ReauthNotificationContext context, CancellationToken cancellationToken)
    {
        var link = new Uri(publicOrigin, context.ReconnectPath);
        return context.Kind switch
        {
            ReauthNotificationKind.ReauthRequired => queue.EnqueueAsync(context.OwnerId,
                $"Please reconnect {context.ProviderDisplayName}",
                $"We can no longer reach {context.ProviderDisplayName} for you ({context.Reason}). Reconnect: {link}", cancellationToken),
            ReauthNotificationKind.ExpiringWithoutRefresh => queue.EnqueueAsync(context.OwnerId,
                $"Your {context.ProviderDisplayName} connection ends on {context.ExpiresAt:d}",
                $"Reconnect before then to keep things running: {link}", cancellationToken),
            _ => Task.CompletedTask,
        };
    }
}

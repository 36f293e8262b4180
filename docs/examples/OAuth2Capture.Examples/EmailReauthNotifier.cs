using OAuth2Capture.Reauth;

namespace OAuth2Capture.Examples;

/// <summary>The app's outgoing mail queue (whatever it uses: a table, a message bus).</summary>
public interface IEmailOutbox
{
    /// <summary>Queues a message.</summary>
    /// <param name="ownerId">The app's user id.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="body">The body.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    Task EnqueueAsync(string ownerId, string subject, string body, CancellationToken cancellationToken);
}

// <snippet:email-notifier>
/// <summary>Queues an e-mail (never sends inline) when a connection needs the user.</summary>
public sealed class EmailReauthNotifier(IEmailOutbox queue, Uri publicOrigin) : IReauthNotifier
{
    /// <inheritdoc/>
    public Task NotifyAsync(ReauthNotificationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
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
// </snippet:email-notifier>

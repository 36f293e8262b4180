using System.Threading.Channels;
using Microsoft.Extensions.Options;
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

/// <summary>One queued message.</summary>
/// <param name="OwnerId">The app's user id (the app looks up the address).</param>
/// <param name="Subject">The subject.</param>
/// <param name="Body">The body.</param>
public sealed record QueuedEmail(string OwnerId, string Subject, string Body);

/// <summary>
/// An in-process outbox: a bounded channel that the app's mail sender (a hosted service with its SMTP or API client)
/// reads from. A real app that must not lose mail on a restart writes to a table instead.
/// </summary>
public sealed class QueuedEmailOutbox : IEmailOutbox
{
    private readonly Channel<QueuedEmail> _queue = Channel.CreateBounded<QueuedEmail>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Gets the queue the mail sender reads.</summary>
    public ChannelReader<QueuedEmail> Reader => _queue.Reader;

    /// <inheritdoc/>
    public Task EnqueueAsync(string ownerId, string subject, string body, CancellationToken cancellationToken)
        => _queue.Writer.WriteAsync(new QueuedEmail(ownerId, subject, body), cancellationToken).AsTask();
}

/// <summary>Where the links in the mails point.</summary>
public sealed class EmailReauthNotifierOptions
{
    /// <summary>Gets or sets the app's public address, for example <c>https://app.example.com/</c>.</summary>
    public Uri? PublicOrigin { get; set; }
}

// <snippet:email-notifier>
/// <summary>Queues an e-mail (never sends inline) when a connection needs the user.</summary>
public sealed class EmailReauthNotifier(IEmailOutbox queue, IOptions<EmailReauthNotifierOptions> options) : IReauthNotifier
{
    /// <inheritdoc/>
    public Task NotifyAsync(ReauthNotificationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var origin = options.Value.PublicOrigin
            ?? throw new InvalidOperationException("Set Email:PublicOrigin, the app's public address, for the links in the mails.");
        var link = new Uri(origin, context.ReconnectPath);
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

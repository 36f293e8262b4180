using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Diagnostics;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Reauth;

/// <summary>
/// Hands transitions to every registered <see cref="IReauthNotifier"/> in a scope of its own. Callers invoke it only
/// after their conditional update changed the row, which is what makes each transition reported once across instances.
/// A notifier's failure is logged and swallowed: notifying never breaks a refresh or a reconnect.
/// </summary>
internal sealed partial class ReauthNotificationDispatcher(
    IServiceScopeFactory scopeFactory,
    OAuth2CaptureEndpointLinks links,
    TimeProvider time,
    ILogger<ReauthNotificationDispatcher> logger) : IReauthTransitionListener
{
    public Task ReauthRequiredAsync(OAuthProvider provider, OAuthToken row, CancellationToken cancellationToken)
        => DispatchAsync(Create(ReauthNotificationKind.ReauthRequired, provider, row, null), cancellationToken);

    public Task RecoveredAsync(OAuthProvider provider, OAuthToken row, CancellationToken cancellationToken)
        => DispatchAsync(Create(ReauthNotificationKind.Recovered, provider, row, null), cancellationToken);

    public Task ExpiringWithoutRefreshAsync(OAuthProvider provider, OAuthToken row, DateTimeOffset expiresAt, CancellationToken cancellationToken)
        => DispatchAsync(Create(ReauthNotificationKind.ExpiringWithoutRefresh, provider, row, expiresAt), cancellationToken);

    private ReauthNotificationContext Create(ReauthNotificationKind kind, OAuthProvider provider, OAuthToken row, DateTimeOffset? expiresAt) => new()
    {
        Kind = kind,
        ConnectionId = row.Id,
        OwnerId = row.OwnerId,
        Provider = provider.Name,
        ProviderDisplayName = provider.DisplayName,
        AccountDisplayName = row.DisplayName,
        Reason = kind == ReauthNotificationKind.ReauthRequired ? ConnectionRules.RecordedReason(row) : ReauthReason.None,
        Description = kind == ReauthNotificationKind.ReauthRequired ? row.LastError : null,
        ReconnectPath = links.Connect(PathString.Empty, provider.Name),
        ExpiresAt = expiresAt,
        OccurredAt = time.GetUtcNow(),
    };

    private async Task DispatchAsync(ReauthNotificationContext context, CancellationToken cancellationToken)
    {
        try
        {
            var scope = scopeFactory.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                foreach (var notifier in scope.ServiceProvider.GetServices<IReauthNotifier>())
                {
                    try
                    {
                        await notifier.NotifyAsync(context, cancellationToken).ConfigureAwait(false);
                        OAuth2CaptureInstruments.Notifications.Add(1,
                            new("provider", context.Provider), new("kind", context.Kind.ToString()), new("outcome", "delivered"));
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        OAuth2CaptureInstruments.Notifications.Add(1,
                            new("provider", context.Provider), new("kind", context.Kind.ToString()), new("outcome", "failed"));
                        Log.NotifierFailed(logger, exception, notifier.GetType().Name, context.Kind, context.Provider, context.ConnectionId);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Resolving the notifiers failed (a broken registration): still never the caller's problem.
            Log.NotifierFailed(logger, exception, nameof(IReauthNotifier), context.Kind, context.Provider, context.ConnectionId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, EventName = "ReauthNotifierFailed", Level = LogLevel.Error, Message = "The notifier {Notifier} failed on {Kind} for the {Provider} connection {ConnectionId}; the transition is stored and will not be reported again.")]
        public static partial void NotifierFailed(ILogger logger, Exception exception, string notifier, ReauthNotificationKind kind, string provider, Guid connectionId);
    }
}

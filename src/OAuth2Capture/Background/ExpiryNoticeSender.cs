using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Background;

/// <summary>
/// Announces a grant end once across every instance and restart: the row says which grant end was announced, and one
/// conditional update claims the notice, so only the winner notifies. A new grant end (a reconnect) is announced again.
/// </summary>
internal sealed class ExpiryNoticeSender(IServiceScopeFactory scopeFactory, ReauthNotificationDispatcher notifications, ILogger<BackgroundTokenRefresher> logger)
{
    public async Task AnnounceAsync(OAuthProvider provider, OAuthToken row, DateTimeOffset end, CancellationToken cancellationToken)
    {
        if (row.ExpiryNoticeSentFor == end)
        {
            return;
        }

        // Its own scope: the sweep's store is busy streaming.
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (!await scope.ServiceProvider.GetRequiredService<ITokenStore>().TryMarkExpiryNoticeAsync(row.Id, end, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        row.ExpiryNoticeSentFor = end;
        BackgroundLog.ExpiringWithoutRefresh(logger, provider.Name, row.Id, end);
        await notifications.ExpiringWithoutRefreshAsync(provider, row, end, cancellationToken).ConfigureAwait(false);
    }
}

using OAuth2Capture;
using OAuth2Capture.Tokens;

namespace ReauthSample.Services;

/// <summary>
/// The background-job pattern: a hosted service publishes scheduled posts through <see cref="SocialApi"/>, naming the
/// owner on each request since nobody is signed in. A connection that needs the user (never connected, expired, revoked
/// at the provider and found by this very call) parks the post and tells the user once, with a link to the page that
/// reconnects; once they have, the next pass publishes it. An outage or a rate limit only postpones it.
/// </summary>
public sealed partial class ScheduledPublisher(
    ScheduledPosts schedule,
    IServiceScopeFactory scopes,
    InAppNotifications notifications,
    SampleProviders providers,
    TimeProvider time,
    ILogger<ScheduledPublisher> logger) : BackgroundService
{
    /// <summary>How often the job looks for due posts.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan RetryLater = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var post in schedule.Due())
            {
                await TryPublishAsync(post, stoppingToken);
            }
        }
    }

    private async Task TryPublishAsync(ScheduledPost post, CancellationToken cancellationToken)
    {
        var name = providers.FindDev(post.Provider)?.DisplayName ?? post.Provider;
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<SocialApi>().PostAsync(post.Owner, post.Provider, post.Text, cancellationToken);
            schedule.Update(post with { State = ScheduleState.Published, Detail = $"Published to {name} by the background job." });
        }
        catch (OAuthTokenException failed) when (failed.Result.Status is TokenStatus.NotConnected or TokenStatus.ReauthRequired)
        {
            if (post.State != ScheduleState.Parked)
            {
                schedule.Update(post with { State = ScheduleState.Parked, Detail = $"{name} needs you to reconnect ({failed.Result.Reason}); the post is kept until you do." });
                notifications.Add(post.Owner, post.Provider, $"Your scheduled post to {name} is waiting: reconnect {name} to publish it.", "/schedule");
            }
        }
        catch (Exception failed) when (failed is OAuthTokenException or HttpRequestException)
        {
            // Temporarily unavailable, rate limited, or the operator's configuration: not the user's to fix.
            Log.Postponed(logger, post.Id, failed.Message);
            schedule.Update(post with { State = ScheduleState.Scheduled, DueAt = time.GetUtcNow() + RetryLater, Detail = $"{name} could not take it just now; trying again shortly." });
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Scheduled post {PostId} was postponed: {Reason}")]
        public static partial void Postponed(ILogger logger, Guid postId, string reason);
    }
}

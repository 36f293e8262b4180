namespace ReauthSample.Services;

/// <summary>Where a scheduled post stands.</summary>
public enum ScheduleState
{
    /// <summary>Waiting for its time, or for the provider to answer again.</summary>
    Scheduled,

    /// <summary>The connection needs the user: kept until they reconnect, then published by the background job.</summary>
    Parked,

    /// <summary>Published at the provider.</summary>
    Published,
}

/// <summary>A post that a background job publishes later, with nobody signed in.</summary>
public sealed record ScheduledPost(Guid Id, string Owner, string Provider, string Text, DateTimeOffset DueAt, ScheduleState State, string? Detail = null);

/// <summary>The scheduled posts, kept in memory for the demo (a real app stores them with its jobs).</summary>
public sealed class ScheduledPosts(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<ScheduledPost> _posts = [];

    public ScheduledPost Schedule(string owner, string provider, string text, TimeSpan delay)
    {
        var post = new ScheduledPost(Guid.NewGuid(), owner, provider, text.Trim(), time.GetUtcNow() + delay, ScheduleState.Scheduled);
        lock (_gate)
        {
            _posts.Add(post);
        }

        return post;
    }

    /// <summary>What the job should try now: posts whose time has come, and parked posts (their user may have reconnected).</summary>
    public IReadOnlyList<ScheduledPost> Due()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return [.. _posts.Where(post => post.State == ScheduleState.Parked || (post.State == ScheduleState.Scheduled && post.DueAt <= now))];
        }
    }

    public void Update(ScheduledPost post)
    {
        lock (_gate)
        {
            var index = _posts.FindIndex(existing => existing.Id == post.Id);
            if (index >= 0)
            {
                _posts[index] = post;
            }
        }
    }

    /// <summary>The owner's scheduled posts, newest first.</summary>
    public IReadOnlyList<ScheduledPost> ListFor(string owner)
    {
        lock (_gate)
        {
            return [.. _posts.Where(post => post.Owner == owner).OrderByDescending(post => post.DueAt)];
        }
    }
}

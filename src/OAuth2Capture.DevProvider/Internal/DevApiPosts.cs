using System.Collections.Concurrent;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>A post made through the dev provider's API.</summary>
internal sealed record DevApiPost(string Id, string Text, string Author, DateTimeOffset CreatedAt);

/// <summary>The posts made through the API, in memory, per user; kept across <see cref="DevProviderFaults.Reset"/>.</summary>
internal sealed class DevApiPosts
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DevApiPost>> posts = new(StringComparer.Ordinal);

    public DevApiPost Add(string subject, string text, DateTimeOffset now)
    {
        var post = new DevApiPost(Guid.NewGuid().ToString("N"), text, subject, now);
        posts.GetOrAdd(subject, _ => new ConcurrentQueue<DevApiPost>()).Enqueue(post);
        return post;
    }

    public IReadOnlyList<DevApiPost> Of(string subject)
        => posts.TryGetValue(subject, out var mine) ? [.. mine] : [];
}

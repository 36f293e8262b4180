namespace ReauthSample.Services;

/// <summary>Where a post stands at one provider.</summary>
public enum DeliveryState
{
    /// <summary>Parked: the provider needs the user to reconnect first.</summary>
    Waiting,

    /// <summary>Published at the provider.</summary>
    Published,
}

/// <summary>A post's delivery to one provider.</summary>
public sealed record Delivery(string Provider, string ProviderDisplayName, DeliveryState State, DateTimeOffset? PublishedAt);

/// <summary>A post and its deliveries, one per provider it is meant for.</summary>
public sealed record Post(Guid Id, string Owner, string Text, DateTimeOffset CreatedAt, IReadOnlyList<Delivery> Deliveries)
{
    public bool IsWaiting => Deliveries.Any(delivery => delivery.State == DeliveryState.Waiting);
}

/// <summary>
/// The sample's "social network": posts kept in memory. A post whose provider connection is dead is parked (its
/// delivery waits) and published by <see cref="PendingPosts"/> once the user reconnects. Pending actions reference posts
/// as <c>post:{id}</c>.
/// </summary>
public sealed class PostBoard(TimeProvider time)
{
    /// <summary>The longest post accepted, in characters.</summary>
    public const int MaxLength = 280;

    private readonly Lock _gate = new();
    private readonly List<Post> _posts = [];

    public static string PendingAction(Guid id) => "post:" + id.ToString("N");

    public static bool TryParsePendingAction(string? action, out Guid id)
    {
        id = Guid.Empty;
        return action is not null && action.StartsWith("post:", StringComparison.Ordinal) && Guid.TryParseExact(action[5..], "N", out id);
    }

    /// <summary>Checks a post's text; returns the message to show, or <see langword="null"/> when it is fine.</summary>
    public static string? Validate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "Your post is empty. Write something before publishing.";
        }

        var length = text.Trim().Length;
        return length > MaxLength
            ? $"Your post is {length} characters long; the limit is {MaxLength}. Shorten it by {length - MaxLength} characters."
            : null;
    }

    public Post Create(string owner, string text, IEnumerable<(string Provider, string DisplayName)> providers)
    {
        var post = new Post(Guid.NewGuid(), owner, text.Trim(), time.GetUtcNow(),
            [.. providers.Select(p => new Delivery(p.Provider, p.DisplayName, DeliveryState.Waiting, null))]);
        lock (_gate)
        {
            _posts.Add(post);
        }

        return post;
    }

    /// <summary>Marks the owner's post as published at <paramref name="provider"/>; false when no such waiting delivery exists.</summary>
    public bool Publish(string owner, Guid id, string provider)
    {
        lock (_gate)
        {
            var index = _posts.FindIndex(post => post.Id == id && post.Owner == owner);
            if (index < 0)
            {
                return false;
            }

            var post = _posts[index];
            var deliveries = post.Deliveries.ToList();
            var at = deliveries.FindIndex(d => string.Equals(d.Provider, provider, StringComparison.OrdinalIgnoreCase) && d.State == DeliveryState.Waiting);
            if (at < 0)
            {
                return false;
            }

            deliveries[at] = deliveries[at] with { State = DeliveryState.Published, PublishedAt = time.GetUtcNow() };
            _posts[index] = post with { Deliveries = deliveries };
            return true;
        }
    }

    public Post? Find(string owner, Guid id)
    {
        lock (_gate)
        {
            return _posts.Find(post => post.Id == id && post.Owner == owner);
        }
    }

    /// <summary>The owner's posts, newest first.</summary>
    public IReadOnlyList<Post> ListFor(string owner)
    {
        lock (_gate)
        {
            return [.. _posts.Where(post => post.Owner == owner).OrderByDescending(post => post.CreatedAt)];
        }
    }
}

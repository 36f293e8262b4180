using Microsoft.Extensions.Caching.Memory;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Reauth;

/// <summary>
/// Notices a connection that dies right after each reconnect (clock skew, rejected client credentials, a provider
/// policy that kills new grants, a scope the provider never grants) so the user is not sent round the re-auth loop for
/// ever. Each instance counts on its own (in memory): a loop shows up on whichever instance the user keeps hitting.
/// </summary>
internal sealed class ReauthLoopGuard(IMemoryCache cache, TimeProvider time)
{
    /// <summary>A connection found dead this soon after it was (re)authorized died "immediately".</summary>
    public static readonly TimeSpan DiedWithin = TimeSpan.FromMinutes(5);

    /// <summary>How far back immediate deaths are counted.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>How many authorizations of one connection must each die immediately, within the window, to stop redirecting.</summary>
    public const int Threshold = 3;

    /// <summary>Records that <paramref name="row"/> was found needing re-auth; answers whether it is looping.</summary>
    /// <param name="row">The connection as stored (its <see cref="OAuthToken.AuthorizedAt"/> tells one reconnect from the next).</param>
    /// <returns><see langword="true"/> when <see cref="Threshold"/> authorizations of it died immediately within <see cref="Window"/>.</returns>
    public bool RecordDeath(OAuthToken row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var now = time.GetUtcNow();
        var diedAt = row.Status == OAuthConnectionStatus.ReauthRequired ? row.LastErrorAt ?? now : now;
        if (diedAt - row.AuthorizedAt > DiedWithin || now - row.AuthorizedAt > Window)
        {
            return false;
        }

        var deaths = cache.GetOrCreate(("OAuth2Capture.ReauthLoop", row.Id), entry =>
        {
            entry.SlidingExpiration = Window;
            entry.Size = 1;
            return new List<DateTimeOffset>();
        })!;
        lock (deaths)
        {
            deaths.RemoveAll(authorizedAt => now - authorizedAt > Window);
            if (!deaths.Contains(row.AuthorizedAt))
            {
                deaths.Add(row.AuthorizedAt);
            }

            return deaths.Count >= Threshold;
        }
    }
}

using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Reauth;

/// <summary>
/// Notices a connection that dies right after each reconnect (a provider policy that kills new grants, a scope the user
/// or the provider never grants, two environments rotating each other's refresh tokens) so the user is not sent round the re-auth loop for
/// ever. Used by the connect endpoint and by <c>[RequireOAuthToken]</c>. Each instance counts on its own (in memory):
/// a loop shows up on whichever instance the user keeps hitting.
/// </summary>
internal sealed class ReauthLoopGuard(IMemoryCache cache, TimeProvider time, IOptionsMonitor<OAuth2CaptureOptions> options)
{
    /// <summary>A connection found dead this soon after it was (re)authorized died "immediately".</summary>
    public static readonly TimeSpan DiedWithin = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Records that <paramref name="row"/> was found needing re-auth; answers whether it is looping: at least
    /// <see cref="OAuth2CaptureOptions.ReauthLoopThreshold"/> authorizations of it each died immediately within
    /// <see cref="OAuth2CaptureOptions.ReauthLoopWindow"/>. Recording the same authorization twice counts once.
    /// </summary>
    /// <param name="row">The connection as stored (its <see cref="OAuthToken.AuthorizedAt"/> tells one reconnect from the next).</param>
    /// <returns><see langword="true"/> when looping.</returns>
    public bool RecordDeath(OAuthToken row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var diedAt = row.Status == ConnectionHealth.ReauthRequired ? row.LastErrorAt ?? now : now;
        if (diedAt - row.AuthorizedAt > DiedWithin || now - row.AuthorizedAt > settings.ReauthLoopWindow)
        {
            return false;
        }

        var deaths = cache.GetOrCreate(("OAuth2Capture.ReauthLoop", row.Id), entry =>
        {
            entry.SlidingExpiration = settings.ReauthLoopWindow;
            entry.Size = 1;
            return new List<DateTimeOffset>();
        })!;
        lock (deaths)
        {
            deaths.RemoveAll(authorizedAt => now - authorizedAt > settings.ReauthLoopWindow);
            if (!deaths.Contains(row.AuthorizedAt))
            {
                deaths.Add(row.AuthorizedAt);
            }

            return deaths.Count >= settings.ReauthLoopThreshold;
        }
    }
}

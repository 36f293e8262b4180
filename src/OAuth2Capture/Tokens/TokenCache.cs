using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// The optional short-lived in-memory cache of usable tokens (<see cref="OAuth2CaptureOptions.TokenCacheDuration"/>): a hit
/// answers <see cref="ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/> without a store round
/// trip. Off by default.
/// </summary>
/// <remarks>
/// <para>
/// An entry never outlives the point where its token needs a refresh (expiry minus <see cref="OAuth2CaptureOptions.RefreshSkew"/>),
/// so the cache never serves a token the store would have refreshed. Every write of this process through the built-in store
/// invalidates the connection's entries (<see cref="Invalidate(Guid, string, string)"/>); writes by other instances are seen
/// as soon as the store's change feed reports them (<see cref="ConnectionChangeSignals"/>, PostgreSQL), else when the entry
/// expires.
/// The entries live in a private <see cref="MemoryCache"/> sized by <see cref="OAuth2CaptureOptions.TokenCacheSizeLimit"/> (one
/// unit per entry; a connection takes up to three), on the app's <see cref="TimeProvider"/> (the limit is read once, at start-up); when it is full, it drops a quarter of its
/// entries (the expired first, then the least recently used) in the background.
/// </para>
/// <para>
/// A read that overlaps a write must not put back what the write replaced. Each read takes the write stamp before it reads
/// the store (<see cref="BeginRead"/>); each invalidation moves the stamp on, then removes the entries; a read that stored
/// its result and then finds the stamp moved takes the result out again. Any write of this process during the read does
/// that, not only one of the same connection: a lost hit now and then, never a replaced token served.
/// </para>
/// </remarks>
internal sealed class TokenCache : IConnectionWriteListener, IDisposable
{
    private readonly IOptionsMonitor<OAuth2CaptureOptions> options;
    private readonly TimeProvider time;
    private readonly MemoryCache entries;
    private long stamp;
    private volatile bool everFilled;

    public TokenCache(IOptionsMonitor<OAuth2CaptureOptions> options, TimeProvider time)
    {
        this.options = options;
        this.time = time;
        // A full cache frees a quarter of its room at once, so a burst of new connections does not compact on every miss.
        entries = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.CurrentValue.TokenCacheSizeLimit,
            CompactionPercentage = 0.25,
            Clock = new Clock(time),
        });
    }

    /// <summary>Gets whether the cache is on (a positive <see cref="OAuth2CaptureOptions.TokenCacheDuration"/>).</summary>
    public bool Enabled => options.CurrentValue.TokenCacheDuration > TimeSpan.Zero;

    /// <summary>Gets how many entries the cache holds now; for tests and diagnostics.</summary>
    public int Count => entries.Count;

    /// <summary>Takes the stamp a read must carry to be stored: call it before reading the store.</summary>
    public long BeginRead() => Interlocked.Read(ref stamp);

    /// <summary>Finds the owner's latest connection to the provider, if cached and not expired (never while the cache is off).</summary>
    public bool TryGet(string ownerId, string provider, out TokenResult result)
        => TryGet(new LatestKey(ownerId, provider), out result);

    /// <summary>Finds the connection, if cached and not expired (never while the cache is off).</summary>
    public bool TryGet(Guid connectionId, out TokenResult result)
        => TryGet((object)connectionId, out result);

    /// <summary>Stores a usable result read under <paramref name="readStamp"/> as the owner's latest connection to its provider, and as the connection itself.</summary>
    public void AddLatest(string ownerId, TokenResult result, long readStamp) => Add(ownerId, result, readStamp);

    /// <summary>Stores a usable result read under <paramref name="readStamp"/> by connection id only (it need not be the owner's latest).</summary>
    public void AddConnection(TokenResult result, long readStamp) => Add(null, result, readStamp);

    /// <summary>Forgets the connection and its owner's latest-connection entry; call it after the store committed a write.</summary>
    public void Invalidate(Guid connectionId, string ownerId, string provider)
    {
        if (NothingToInvalidate)
        {
            return;
        }

        Interlocked.Increment(ref stamp);
        entries.Remove(connectionId);
        entries.Remove(new LatestKey(ownerId, provider));
    }

    /// <summary>
    /// Forgets the connection, knowing only its id (another instance wrote it): also its owner's latest-connection entry,
    /// found through the marker stored with it.
    /// </summary>
    public void Invalidate(Guid connectionId)
    {
        if (NothingToInvalidate)
        {
            return;
        }

        Interlocked.Increment(ref stamp);
        entries.Remove(connectionId);
        if (entries.TryGetValue(new LatestOf(connectionId), out LatestKey latest))
        {
            entries.Remove(latest);
        }
    }

    /// <summary>Forgets every entry: another instance's writes may have been missed (its change feed lost its connection).</summary>
    public void InvalidateAll()
    {
        if (NothingToInvalidate)
        {
            return;
        }

        Interlocked.Increment(ref stamp);
        entries.Clear();
    }

    /// <inheritdoc/>
    public void Dispose() => entries.Dispose();

    bool IConnectionWriteListener.IsListening => Enabled;

    /// <summary>
    /// Whether an invalidation can skip its work: the cache is off and never held an entry. While it is on, the stamp must
    /// move even when the cache is empty, for a read in flight may be about to store what the write replaced. Not
    /// <c>entries.Count</c>: it takes every lock of the cache's dictionary, on every write of the process.
    /// </summary>
    private bool NothingToInvalidate => !Enabled && !everFilled;

    void IConnectionWriteListener.Written(Guid connectionId, string ownerId, string provider) => Invalidate(connectionId, ownerId, provider);

    private bool TryGet(object key, out TokenResult result)
    {
        // Not entries.Count: it takes every lock of the cache's dictionary, and on the hot path of a storm that is contention
        // on each call; the lookup itself takes none.
        if (!Enabled || !entries.TryGetValue(key, out TokenResult? cached) || cached is null)
        {
            result = null!;
            return false;
        }

        result = cached;
        return true;
    }

    private void Add(string? ownerId, TokenResult result, long readStamp)
    {
        if (!Enabled || !result.Succeeded || result.ConnectionId is not { } connectionId)
        {
            return;
        }

        var now = time.GetUtcNow();
        var settings = options.CurrentValue;
        var until = now + settings.TokenCacheDuration;
        if (result.ExpiresAt - settings.RefreshSkew is { } needsRefreshAt && needsRefreshAt < until)
        {
            until = needsRefreshAt;
        }

        if (until <= now)
        {
            return;
        }

        // A refresh answered by this read is, for every later reader, simply a valid token.
        var cached = result.Status == TokenStatus.Valid
            ? result
            : TokenResult.Valid(result.Provider, connectionId, result.AccessToken!, result.TokenType, result.ExpiresAt, result.Scope);
        var entry = new MemoryCacheEntryOptions { AbsoluteExpiration = until, Size = 1 };
        everFilled = true;
        entries.Set(connectionId, cached, entry);
        LatestKey? latest = ownerId is null ? null : new LatestKey(ownerId, cached.Provider);
        if (latest is { } key)
        {
            entries.Set(key, cached, entry);

            // Lets an invalidation that knows only the connection id (another instance's write) find the owner's entry too.
            entries.Set(new LatestOf(connectionId), key, entry);
        }

        if (Interlocked.Read(ref stamp) != readStamp)
        {
            entries.Remove(connectionId);
            if (latest is { } stale)
            {
                entries.Remove(stale);
            }
        }
    }

    /// <summary>The owner's latest connection to a provider.</summary>
    private readonly record struct LatestKey(string OwnerId, string Provider);

    /// <summary>Which <see cref="LatestKey"/> a connection is cached under.</summary>
    private readonly record struct LatestOf(Guid ConnectionId);

    /// <summary>The app's <see cref="TimeProvider"/>, as the clock <see cref="MemoryCache"/> expires entries by.</summary>
    private sealed class Clock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}

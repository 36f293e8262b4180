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
/// invalidates the connection's entries (<see cref="Invalidate"/>); writes by other instances are seen when the entry expires.
/// </para>
/// <para>
/// A read that overlaps a write must not put back what the write replaced. Each read takes a stamp before it reads the
/// store (<see cref="BeginRead"/>); each invalidation leaves a tombstone with a later stamp; an entry is stored only over
/// an older one. When the cache is full and nothing has expired, everything older than the current stamp is dropped at once.
/// </para>
/// </remarks>
internal sealed class TokenCache(IOptionsMonitor<OAuth2CaptureOptions> options, TimeProvider time) : IConnectionWriteListener
{
    private readonly Table<(string OwnerId, string Provider)> byOwner = new();
    private readonly Table<Guid> byConnection = new();
    private long stamp;
    private long floor;
    private long nextPurgeTicks;

    /// <summary>Gets whether the cache is on (a positive <see cref="OAuth2CaptureOptions.TokenCacheDuration"/>).</summary>
    public bool Enabled => options.CurrentValue.TokenCacheDuration > TimeSpan.Zero;

    /// <summary>Gets how many entries (tombstones included) the cache holds now; for tests and diagnostics.</summary>
    public int Count => byOwner.Count + byConnection.Count;

    /// <summary>Takes the stamp a read must carry to be stored: call it before reading the store.</summary>
    public long BeginRead() => Interlocked.Read(ref stamp);

    /// <summary>Finds the owner's latest connection to the provider, if cached and not expired (never while the cache is off).</summary>
    public bool TryGet(string ownerId, string provider, out TokenResult result)
    {
        if (byOwner.Count == 0 || !Enabled)
        {
            result = null!;
            return false;
        }

        return byOwner.TryGet((ownerId, provider), Interlocked.Read(ref floor), time.GetUtcNow(), out result);
    }

    /// <summary>Finds the connection, if cached and not expired (never while the cache is off).</summary>
    public bool TryGet(Guid connectionId, out TokenResult result)
    {
        if (byConnection.Count == 0 || !Enabled)
        {
            result = null!;
            return false;
        }

        return byConnection.TryGet(connectionId, Interlocked.Read(ref floor), time.GetUtcNow(), out result);
    }

    /// <summary>Stores a usable result read under <paramref name="readStamp"/> as the owner's latest connection to its provider, and as the connection itself.</summary>
    public void AddLatest(string ownerId, TokenResult result, long readStamp) => Add(ownerId, result, readStamp);

    /// <summary>Stores a usable result read under <paramref name="readStamp"/> by connection id only (it need not be the owner's latest).</summary>
    public void AddConnection(TokenResult result, long readStamp) => Add(null, result, readStamp);

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
        var entry = new Entry(cached, readStamp, until);
        PurgeIfDue(now);
        var limit = settings.TokenCacheSizeLimit;
        var stored = byConnection.TryPut(connectionId, entry, limit);
        if (ownerId is not null)
        {
            stored &= byOwner.TryPut((ownerId, cached.Provider), entry, limit);
        }

        if (!stored)
        {
            MakeRoom(now);
        }
    }

    /// <summary>Forgets the connection and its owner's latest-connection entry; call it after the store committed a write.</summary>
    public void Invalidate(Guid connectionId, string ownerId, string provider)
    {
        if (!Enabled && Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var tombstone = new Entry(null, Interlocked.Increment(ref stamp), now + options.CurrentValue.TokenCacheDuration);
        byOwner.PutTombstone((ownerId, provider), tombstone);
        byConnection.PutTombstone(connectionId, tombstone);
    }

    bool IConnectionWriteListener.IsListening => Enabled;

    void IConnectionWriteListener.Written(Guid connectionId, string ownerId, string provider) => Invalidate(connectionId, ownerId, provider);

    /// <summary>Drops every entry (settings changed, or a test wants a cold cache).</summary>
    public void Clear()
    {
        Interlocked.Exchange(ref floor, Interlocked.Increment(ref stamp));
        byOwner.Clear();
        byConnection.Clear();
    }

    private void PurgeIfDue(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref nextPurgeTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref nextPurgeTicks, (now + options.CurrentValue.TokenCacheDuration).UtcTicks, next) != next)
        {
            return;
        }

        byOwner.RemoveExpired(now);
        byConnection.RemoveExpired(now);
    }

    private void MakeRoom(DateTimeOffset now)
    {
        byOwner.RemoveExpired(now);
        byConnection.RemoveExpired(now);
        if (Count >= options.CurrentValue.TokenCacheSizeLimit)
        {
            // Full of live entries: start over rather than evict one by one (an eviction could drop a tombstone that an
            // in-flight read still needs; the floor makes everything older than now unusable at once).
            Clear();
        }
    }

    /// <summary>A cached result, or a tombstone (<see cref="Result"/> is <see langword="null"/>), with the stamp of the read or invalidation that made it.</summary>
    private sealed class Entry(TokenResult? result, long stamp, DateTimeOffset until)
    {
        public TokenResult? Result { get; } = result;

        public long Stamp { get; } = stamp;

        public DateTimeOffset Until { get; } = until;
    }

    private sealed class Table<TKey>
        where TKey : notnull
    {
        // Entry has reference equality, so TryUpdate replaces exactly the entry that was compared.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<TKey, Entry> entries = new();
        private int count;

        public int Count => Volatile.Read(ref count);

        public bool TryGet(TKey key, long floor, DateTimeOffset now, out TokenResult result)
        {
            if (entries.TryGetValue(key, out var entry) && entry.Result is { } cached && entry.Stamp >= floor && now < entry.Until)
            {
                result = cached;
                return true;
            }

            result = null!;
            return false;
        }

        /// <summary>Stores the entry unless a newer one (or tombstone) is there; <see langword="false"/> when the table is full.</summary>
        public bool TryPut(TKey key, Entry entry, int limit)
        {
            while (true)
            {
                if (entries.TryGetValue(key, out var current))
                {
                    if (current.Stamp > entry.Stamp || entries.TryUpdate(key, entry, current))
                    {
                        return true;
                    }
                }
                else if (Count >= limit)
                {
                    return false;
                }
                else if (entries.TryAdd(key, entry))
                {
                    Interlocked.Increment(ref count);
                    return true;
                }
            }
        }

        /// <summary>Stores a tombstone whatever is there: it always carries the newest stamp.</summary>
        public void PutTombstone(TKey key, Entry tombstone)
        {
            while (true)
            {
                if (entries.TryGetValue(key, out var current))
                {
                    if (current.Stamp > tombstone.Stamp || entries.TryUpdate(key, tombstone, current))
                    {
                        return;
                    }
                }
                else if (entries.TryAdd(key, tombstone))
                {
                    Interlocked.Increment(ref count);
                    return;
                }
            }
        }

        public void RemoveExpired(DateTimeOffset now)
        {
            foreach (var pair in entries)
            {
                if (pair.Value.Until <= now && entries.TryRemove(pair))
                {
                    Interlocked.Decrement(ref count);
                }
            }
        }

        public void Clear()
        {
            foreach (var pair in entries)
            {
                if (entries.TryRemove(pair))
                {
                    Interlocked.Decrement(ref count);
                }
            }
        }
    }
}

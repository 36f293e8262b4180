using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>
/// The store reads behind <see cref="ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/>: shared by
/// concurrent callers, and none at all while the optional token cache holds the token. Real DevProvider, real SQLite file,
/// every SQL command of the library's context counted.
/// </summary>
public sealed class TokenCacheTests : IAsyncLifetime
{
    private readonly StoreCommands commands = new();
    private DevProviderServer dev = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => dev = await DevProviderServer.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await dev.DisposeAsync();

    [Fact]
    public async Task GetValidToken_with_the_cache_off_reads_the_store_on_every_call()
    {
        await using var app = await StartAsync(cache: TimeSpan.Zero);
        await app.ConnectAsync("user-1", "alice", Ct);

        var before = commands.Count;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(TokenStatus.Valid, (await app.GetAsync("user-1", Ct)).Status);
        }

        Assert.Equal(5, commands.Count - before);
    }

    [Fact]
    public async Task GetValidToken_with_the_cache_on_answers_repeated_calls_without_a_store_round_trip()
    {
        await using var app = await StartAsync(cache: TimeSpan.FromSeconds(30));
        var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);

        var before = commands.Count;
        var first = await app.GetAsync("user-1", Ct);
        var afterFirst = commands.Count;
        var again = new List<TokenResult>();
        for (var i = 0; i < 10; i++)
        {
            again.Add(await app.GetAsync("user-1", Ct));
        }

        var byId = await app.WithServiceAsync(service => service.GetValidTokenAsync(id, Ct));

        Assert.Equal(1, afterFirst - before);
        Assert.Equal(afterFirst, commands.Count);
        Assert.All(again.Append(byId), r => Assert.Equal((TokenStatus.Valid, tokens.AccessToken), (r.Status, r.AccessToken)));
        Assert.Equal(0, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task Cached_token_is_forgotten_when_this_instance_writes_the_connection()
    {
        await using var app = await StartAsync(cache: TimeSpan.FromMinutes(5));
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        Assert.Equal(TokenStatus.Valid, (await app.GetAsync("user-1", Ct)).Status);

        // What the sample's "revoke" simulation or any app code writing through the store does.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var row = (await store.FindByIdAsync(id, Ct))!;
            row.Status = ConnectionHealth.ReauthRequired;
            row.ReauthReason = ReauthReason.Revoked;
            Assert.True(await store.TryUpdateAsync(row, Ct));
        }

        var afterWrite = await app.GetAsync("user-1", Ct);
        var afterWriteById = await app.WithServiceAsync(service => service.GetValidTokenAsync(id, Ct));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<ITokenStore>().DeleteAsync(id, Ct));
        }

        var afterDelete = await app.GetAsync("user-1", Ct);

        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.Revoked), (afterWrite.Status, afterWrite.Reason));
        Assert.Equal(TokenStatus.ReauthRequired, afterWriteById.Status);
        Assert.Equal(TokenStatus.NotConnected, afterDelete.Status);
    }

    [Fact]
    public async Task Cached_token_is_never_served_past_its_refresh_point()
    {
        await using var app = await StartAsync(cache: TimeSpan.FromMinutes(10));
        var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);

        // Seven minutes left: with the default five-minute skew the token needs a refresh in two.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var row = (await store.FindByIdAsync(id, Ct))!;
            row.AccessTokenExpiresAt = app.Clock.GetUtcNow().AddMinutes(7);
            Assert.True(await store.TryUpdateAsync(row, Ct));
        }

        Assert.Equal(TokenStatus.Valid, (await app.GetAsync("user-1", Ct)).Status);
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        var later = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.Refreshed, later.Status);
        Assert.NotEqual(tokens.AccessToken, later.AccessToken);
        Assert.Equal(1, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task A_read_overlapping_a_write_never_puts_the_replaced_token_back()
    {
        await using var app = await StartAsync(cache: TimeSpan.FromMinutes(5));
        var cache = app.Services.GetRequiredService<TokenCache>();
        var id = Guid.NewGuid();
        var old = TokenResult.Valid(CaptureHarness.Provider, id, "at-before-the-write", "Bearer", app.Clock.GetUtcNow().AddHours(1), null);

        var stamp = cache.BeginRead();                      // a read starts...
        cache.Invalidate(id, "user-1", CaptureHarness.Provider); // ...a write commits meanwhile...
        cache.AddLatest("user-1", old, stamp);              // ...and the read comes back with what the write replaced.

        Assert.False(cache.TryGet("user-1", CaptureHarness.Provider, out _));
        Assert.False(cache.TryGet(id, out _));

        cache.AddLatest("user-1", old, cache.BeginRead()); // a read that started after the write is stored
        Assert.True(cache.TryGet("user-1", CaptureHarness.Provider, out var fresh));
        Assert.Same(old, fresh);
    }

    [Fact]
    public async Task A_read_overlapping_another_instances_write_on_an_empty_cache_is_not_stored()
    {
        await using var app = await StartAsync(cache: TimeSpan.FromMinutes(5));
        var cache = app.Services.GetRequiredService<TokenCache>();
        var id = Guid.NewGuid();
        var old = TokenResult.Valid(CaptureHarness.Provider, id, "at-before-the-write", "Bearer", app.Clock.GetUtcNow().AddHours(1), null);

        var stamp = cache.BeginRead();  // the first read of this instance starts, the cache still empty...
        cache.Invalidate(id);           // ...another instance's write is reported by the change feed...
        cache.AddConnection(old, stamp); // ...and the read comes back with what that write replaced.

        Assert.False(cache.TryGet(id, out _));
    }

    [Fact]
    public async Task A_full_cache_makes_room_instead_of_growing()
    {
        await using var app = await StartAsync(cache: TimeSpan.FromMinutes(5), sizeLimit: 8);
        var cache = app.Services.GetRequiredService<TokenCache>();
        var expiresAt = app.Clock.GetUtcNow().AddHours(1);

        for (var i = 0; i < 20; i++)
        {
            cache.AddLatest($"user-{i}", TokenResult.Valid(CaptureHarness.Provider, Guid.NewGuid(), $"at-{i}", "Bearer", expiresAt, null), cache.BeginRead());
            Assert.InRange(cache.Count, 0, 8);
        }

        // A full cache refuses the entry and compacts in the background; a later attempt is stored.
        var last = TokenResult.Valid(CaptureHarness.Provider, Guid.NewGuid(), "at-last", "Bearer", expiresAt, null);
        var stored = false;
        for (var attempt = 0; attempt < 100 && !stored; attempt++)
        {
            cache.AddLatest("user-last", last, cache.BeginRead());
            stored = cache.TryGet("user-last", CaptureHarness.Provider, out _);
            if (!stored)
            {
                await Task.Delay(20, Ct);
            }
        }

        Assert.True(stored);
        Assert.InRange(cache.Count, 0, 8);
    }

    [Fact]
    public async Task GetValidToken_with_200_concurrent_callers_on_a_valid_token_reads_the_store_once()
    {
        await using var app = await StartAsync(cache: TimeSpan.Zero, slowReads: TimeSpan.FromMilliseconds(300));
        var (_, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        var before = commands.Count;
        var results = await ReleaseTogetherAsync(200, () => app.GetAsync("user-1", Ct));

        // Every caller arrives while the first (slowed) read runs, so they all share it.
        Assert.Equal(1, commands.Count - before);
        Assert.All(results, r => Assert.Equal((TokenStatus.Valid, tokens.AccessToken), (r.Status, r.AccessToken)));
    }

    [Fact]
    public async Task GetValidToken_storm_on_an_expired_token_costs_one_read_one_refresh_and_its_writes()
    {
        await using var app = await StartAsync(cache: TimeSpan.Zero, slowReads: TimeSpan.FromMilliseconds(300));
        await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        var before = commands.Count;
        var results = await ReleaseTogetherAsync(200, () => app.GetAsync("user-1", Ct));

        // The shared read, the refresher's re-read, its lease claim and its result write.
        Assert.Equal(4, commands.Count - before);
        Assert.Equal(1, dev.Stats.RefreshRequests);
        Assert.All(results, r => Assert.Equal(TokenStatus.Refreshed, r.Status));
        Assert.Single(results.Select(r => r.AccessToken).Distinct());
    }

    /// <summary>Parks the callers on one gate, then opens it: all of them are waiting before any starts.</summary>
    private static async Task<TokenResult[]> ReleaseTogetherAsync(int count, Func<Task<TokenResult>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.Task;
            return await call();
        }).ToArray();
        gate.SetResult();
        return await Task.WhenAll(callers);
    }

    private Task<CaptureHarness> StartAsync(TimeSpan cache, int sizeLimit = 10_000, TimeSpan? slowReads = null)
    {
        commands.SelectDelay = slowReads ?? TimeSpan.Zero;
        return CaptureHarness.StartAsync(dev, options =>
        {
            options.TokenCacheDuration = cache;
            options.TokenCacheSizeLimit = sizeLimit;
        }, services => services.ConfigureDbContext<OAuth2CaptureDbContext>(builder => builder.AddInterceptors(commands)));
    }

    /// <summary>
    /// Counts every command the library's context sends (queries, updates, deletes) and can hold each query for a while, so
    /// that concurrent callers certainly overlap the first one.
    /// </summary>
    private sealed class StoreCommands : DbCommandInterceptor
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public TimeSpan SelectDelay { get; set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            if (SelectDelay > TimeSpan.Zero && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            {
                await Task.Delay(SelectDelay, cancellationToken);
            }

            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            return ValueTask.FromResult(result);
        }
    }
}

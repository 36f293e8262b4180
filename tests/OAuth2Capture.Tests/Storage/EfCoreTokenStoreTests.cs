using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// What every engine's EF Core store must do, run once per engine by the derived classes
/// (<see cref="SqliteEfCoreTokenStoreTests"/>, <see cref="PostgreSqlEfCoreTokenStoreTests"/>).
/// </summary>
public abstract class EfCoreTokenStoreTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private ITestStoreDatabase? _database;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected ITestStoreDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    private protected abstract Task<ITestStoreDatabase> CreateDatabaseAsync();

    public async ValueTask InitializeAsync() => _database = await CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await Database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task CreateAsync_then_FindByIdAsync_returns_the_stored_connection()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        token.AccessTokenExpiresAt = T0.AddHours(1);
        token.ReauthReason = global::OAuth2Capture.ReauthReason.None;

        await Database.CreateStore().CreateAsync(token, Ct);
        var found = await Database.CreateStore().FindByIdAsync(token.Id, Ct);

        Assert.NotNull(found);
        Assert.Equal(token.OwnerId, found.OwnerId);
        Assert.Equal(token.ProviderUserId, found.ProviderUserId);
        Assert.Equal(token.EncryptedAccessToken, found.EncryptedAccessToken);
        Assert.Equal(token.AccessTokenExpiresAt, found.AccessTokenExpiresAt);
        Assert.Equal(token.UpdatedAt, found.UpdatedAt);
        Assert.Equal(token.ConcurrencyToken, found.ConcurrencyToken);
        Assert.Null(await Database.CreateStore().FindByIdAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task CreateAsync_leaves_nothing_tracked()
    {
        using var context = Database.CreateContext();
        var store = new EfCoreTokenStore<OAuth2CaptureDbContext>(context);

        await store.CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "gh-1"), Ct);

        Assert.Empty(context.ChangeTracker.Entries());
    }

    [Fact]
    public async Task FindByProviderAccountAsync_finds_the_account_whoever_owns_it()
    {
        await Database.CreateStore().CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "gh-1"), Ct);

        var found = await Database.CreateStore().FindByProviderAccountAsync("github", "gh-1", Ct);

        Assert.Equal("alice", found?.OwnerId);
        Assert.Null(await Database.CreateStore().FindByProviderAccountAsync("reddit", "gh-1", Ct));
    }

    [Fact]
    public async Task FindLatestAsync_with_several_connections_returns_the_most_recently_updated()
    {
        var older = SqliteTestDatabase.NewToken("alice", "github", "gh-1", T0);
        var latest = SqliteTestDatabase.NewToken("alice", "github", "gh-2", T0.AddMinutes(5));
        var oldest = SqliteTestDatabase.NewToken("alice", "github", "gh-3", T0.AddMinutes(-5));
        var otherProvider = SqliteTestDatabase.NewToken("alice", "reddit", "rd-1", T0.AddHours(1));
        var otherOwner = SqliteTestDatabase.NewToken("bob", "github", "gh-9", T0.AddHours(1));
        foreach (var token in new[] { older, latest, oldest, otherProvider, otherOwner })
        {
            await Database.CreateStore().CreateAsync(token, Ct);
        }

        var found = await Database.CreateStore().FindLatestAsync("alice", "github", Ct);

        Assert.Equal(latest.Id, found?.Id);
        Assert.Null(await Database.CreateStore().FindLatestAsync("alice", "twitter", Ct));
    }

    [Fact]
    public async Task CreateAsync_with_several_accounts_of_one_provider_for_one_user_stores_them_all()
    {
        await Database.CreateStore().CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "personal"), Ct);
        await Database.CreateStore().CreateAsync(SqliteTestDatabase.NewToken("alice", "github", "work"), Ct);

        var connections = await Database.CreateStore().ListByOwnerAsync("alice", Ct);

        Assert.Equal(["personal", "work"], connections.Select(c => c.ProviderUserId).Order());
    }

    [Fact]
    public async Task ListByOwnerAsync_returns_the_owners_connections_by_provider_then_latest_first_in_one_query()
    {
        var githubOld = SqliteTestDatabase.NewToken("alice", "github", "gh-1", T0);
        var githubNew = SqliteTestDatabase.NewToken("alice", "github", "gh-2", T0.AddDays(1));
        var reddit = SqliteTestDatabase.NewToken("alice", "reddit", "rd-1", T0.AddDays(2));
        var bobs = SqliteTestDatabase.NewToken("bob", "github", "gh-3", T0);
        foreach (var token in new[] { reddit, githubOld, bobs, githubNew })
        {
            await Database.CreateStore().CreateAsync(token, Ct);
        }

        var counter = new CommandCounter();
        var connections = await Database.CreateStore(counter).ListByOwnerAsync("alice", Ct);

        Assert.Equal([githubNew.Id, githubOld.Id, reddit.Id], connections.Select(c => c.Id));
        Assert.Equal(1, counter.Count);
        Assert.Empty(await Database.CreateStore().ListByOwnerAsync("carol", Ct));
    }

    [Fact]
    public async Task CreateAsync_with_an_account_already_connected_by_another_user_throws_ConnectionConflictException_and_keeps_the_first_row()
    {
        var alices = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(alices, Ct);
        var bobs = SqliteTestDatabase.NewToken("bob", "github", "gh-1");
        bobs.EncryptedAccessToken = "enc-bobs-token";

        var conflict = await Assert.ThrowsAsync<ConnectionConflictException>(
            async () => await Database.CreateStore().CreateAsync(bobs, Ct));

        Assert.Equal("github", conflict.Provider);
        Assert.Equal("gh-1", conflict.ProviderUserId);
        var stored = await Database.CreateStore().FindByProviderAccountAsync("github", "gh-1", Ct);
        Assert.Equal(alices.Id, stored?.Id);
        Assert.Equal("alice", stored?.OwnerId);
        Assert.Equal(alices.EncryptedAccessToken, stored?.EncryptedAccessToken);
        Assert.Empty(await Database.CreateStore().ListByOwnerAsync("bob", Ct));
    }

    [Fact]
    public async Task CreateAsync_losing_a_race_after_its_check_translates_the_unique_violation_into_ConnectionConflictException()
    {
        // Another writer inserts the same account between our check and our insert.
        var racer = new InsertBeforeFirstInsert(Database, SqliteTestDatabase.NewToken("alice", "github", "gh-1"));
        using var context = Database.CreateContext(racer);
        var store = new EfCoreTokenStore<OAuth2CaptureDbContext>(context);

        var conflict = await Assert.ThrowsAsync<ConnectionConflictException>(
            async () => await store.CreateAsync(SqliteTestDatabase.NewToken("bob", "github", "gh-1"), Ct));

        Assert.IsType<DbUpdateException>(conflict.InnerException);
        Assert.Empty(context.ChangeTracker.Entries());
        var stored = await Database.CreateStore().FindByProviderAccountAsync("github", "gh-1", Ct);
        Assert.Equal("alice", stored?.OwnerId);
    }

    [Fact]
    public async Task TryUpdateAsync_with_a_stale_concurrency_token_returns_false_and_leaves_the_row_unchanged()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var first = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        var second = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;

        first.EncryptedAccessToken = "enc-first-writer";
        first.UpdatedAt = T0.AddMinutes(1);
        Assert.True(await Database.CreateStore().TryUpdateAsync(first, Ct));
        var afterFirst = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;

        using var context = Database.CreateContext();
        second.EncryptedAccessToken = "enc-second-writer";
        var staleToken = second.ConcurrencyToken;
        var updated = await new EfCoreTokenStore<OAuth2CaptureDbContext>(context).TryUpdateAsync(second, Ct);

        Assert.False(updated);
        Assert.Equal(staleToken, second.ConcurrencyToken);
        Assert.Empty(context.ChangeTracker.Entries());
        var row = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal("enc-first-writer", row.EncryptedAccessToken);
        Assert.Equal(afterFirst.ConcurrencyToken, row.ConcurrencyToken);
        Assert.NotEqual(token.ConcurrencyToken, row.ConcurrencyToken);

        // Re-read and decide again: now the update wins.
        row.EncryptedAccessToken = "enc-second-writer";
        Assert.True(await Database.CreateStore().TryUpdateAsync(row, Ct));
        var final = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal("enc-second-writer", final.EncryptedAccessToken);
        Assert.Equal(row.ConcurrencyToken, final.ConcurrencyToken);
        Assert.NotEqual(afterFirst.ConcurrencyToken, final.ConcurrencyToken);
    }

    [Fact]
    public async Task TryUpdateAsync_twice_with_the_same_instance_succeeds_because_it_carries_the_new_token()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        using var context = Database.CreateContext();
        var store = new EfCoreTokenStore<OAuth2CaptureDbContext>(context);

        token.Scope = "read";
        Assert.True(await store.TryUpdateAsync(token, Ct));
        token.Scope = "read write admin";
        Assert.True(await store.TryUpdateAsync(token, Ct));

        Assert.Empty(context.ChangeTracker.Entries());
        Assert.Equal("read write admin", (await Database.CreateStore().FindByIdAsync(token.Id, Ct))?.Scope);
    }

    [Fact]
    public async Task TryUpdateAsync_of_a_deleted_connection_returns_false()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        Assert.True(await Database.CreateStore().DeleteAsync(token.Id, Ct));

        Assert.False(await Database.CreateStore().TryUpdateAsync(token, Ct));
        Assert.Null(await Database.CreateStore().FindByIdAsync(token.Id, Ct));
    }

    [Fact]
    public async Task TryUpdateAsync_when_the_context_already_tracks_another_instance_writes_the_given_one()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        using var context = Database.CreateContext();
        _ = await context.Tokens.SingleAsync(t => t.Id == token.Id, Ct);

        token.DisplayName = "renamed";
        Assert.True(await new EfCoreTokenStore<OAuth2CaptureDbContext>(context).TryUpdateAsync(token, Ct));

        Assert.Equal("renamed", (await Database.CreateStore().FindByIdAsync(token.Id, Ct))?.DisplayName);
    }

    [Fact]
    public async Task DeleteAsync_returns_whether_a_row_was_deleted()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);

        Assert.True(await Database.CreateStore().DeleteAsync(token.Id, Ct));
        Assert.False(await Database.CreateStore().DeleteAsync(token.Id, Ct));
        Assert.Null(await Database.CreateStore().FindByIdAsync(token.Id, Ct));
    }

    [Fact]
    public async Task ListExpiringAsync_returns_active_connections_whose_decisive_token_expires_in_the_window_soonest_first()
    {
        var before = T0.AddDays(7);
        var accessOnlySoon = Token("access-only-soon", refresh: false, accessExpires: T0.AddDays(3));
        var accessOnlyLater = Token("access-only-later", refresh: false, accessExpires: T0.AddDays(8));
        var refreshSoonest = Token("refresh-soonest", refresh: true, refreshExpires: T0.AddDays(1));
        var refreshSoon = Token("refresh-soon", refresh: true, accessExpires: T0.AddHours(1), refreshExpires: T0.AddDays(5));
        var refreshLater = Token("refresh-later", refresh: true, accessExpires: T0.AddHours(1), refreshExpires: T0.AddDays(30));
        var refreshNeverExpires = Token("refresh-never", refresh: true, accessExpires: T0.AddHours(1));
        var noExpiry = Token("no-expiry", refresh: false);
        var needsReauth = Token("needs-reauth", refresh: true, refreshExpires: T0.AddDays(2));
        needsReauth.Status = ConnectionHealth.ReauthRequired;
        var bobs = SqliteTestDatabase.NewToken("bob", "github", "bobs");
        bobs.RefreshTokenExpiresAt = T0.AddDays(1);
        foreach (var token in new[] { accessOnlySoon, accessOnlyLater, refreshSoonest, refreshSoon, refreshLater, refreshNeverExpires, noExpiry, needsReauth, bobs })
        {
            await Database.CreateStore().CreateAsync(token, Ct);
        }

        var expiring = await Database.CreateStore().ListExpiringAsync("alice", before, Ct);

        Assert.Equal(["refresh-soonest", "access-only-soon", "refresh-soon"], expiring.Select(t => t.ProviderUserId));

        static OAuthToken Token(string account, bool refresh, DateTimeOffset? accessExpires = null, DateTimeOffset? refreshExpires = null)
        {
            var token = SqliteTestDatabase.NewToken("alice", "github", account);
            token.EncryptedRefreshToken = refresh ? token.EncryptedRefreshToken : null;
            token.AccessTokenExpiresAt = accessExpires;
            token.RefreshTokenExpiresAt = refreshExpires;
            return token;
        }
    }

    [Fact]
    public async Task TryClaimRefreshAsync_on_a_free_row_takes_the_lease_and_renews_the_concurrency_token()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var read = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        var readConcurrencyToken = read.ConcurrencyToken;

        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(read, "instance-a", T0, T0.AddSeconds(30), Ct));

        var row = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal("instance-a", row.RefreshLeaseOwner);
        Assert.Equal(T0.AddSeconds(30), row.RefreshLeaseExpiresAt);
        Assert.NotEqual(readConcurrencyToken, row.ConcurrencyToken);
        Assert.Equal(row.ConcurrencyToken, read.ConcurrencyToken);
        Assert.Equal("instance-a", read.RefreshLeaseOwner);
    }

    [Fact]
    public async Task TryClaimRefreshAsync_while_another_lease_is_live_fails_and_leaves_the_row_unchanged()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var holder = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(holder, "instance-a", T0, T0.AddSeconds(30), Ct));
        var second = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;

        Assert.False(await Database.CreateStore().TryClaimRefreshAsync(second, "instance-b", T0.AddSeconds(29), T0.AddSeconds(59), Ct));

        var row = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal("instance-a", row.RefreshLeaseOwner);
        Assert.Equal(holder.ConcurrencyToken, row.ConcurrencyToken);
        Assert.Equal("instance-a", second.RefreshLeaseOwner);
    }

    [Fact]
    public async Task TryClaimRefreshAsync_with_a_stale_read_fails_even_when_no_lease_is_held()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var stale = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        var fresh = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        fresh.EncryptedAccessToken = "enc-refreshed-elsewhere";
        Assert.True(await Database.CreateStore().TryUpdateAsync(fresh, Ct));

        Assert.False(await Database.CreateStore().TryClaimRefreshAsync(stale, "instance-b", T0, T0.AddSeconds(30), Ct));
        Assert.Null((await Database.CreateStore().FindByIdAsync(token.Id, Ct))!.RefreshLeaseOwner);
    }

    [Fact]
    public async Task TryClaimRefreshAsync_after_the_lease_expired_takes_it_over()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var crashed = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(crashed, "crashed", T0, T0.AddSeconds(30), Ct));
        var next = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;

        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(next, "instance-b", T0.AddSeconds(30), T0.AddSeconds(60), Ct));

        var row = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal("instance-b", row.RefreshLeaseOwner);
        Assert.Equal(T0.AddSeconds(60), row.RefreshLeaseExpiresAt);
    }

    [Fact]
    public async Task TryClaimRefreshAsync_by_twenty_concurrent_claimers_with_the_same_read_lets_exactly_one_win()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var reads = new List<OAuthToken>();
        for (var i = 0; i < 20; i++)
        {
            reads.Add((await Database.CreateStore().FindByIdAsync(token.Id, Ct))!);
        }

        var claims = await Task.WhenAll(reads.Select((read, i) => Task.Run(async () =>
            await Database.CreateStore().TryClaimRefreshAsync(read, $"instance-{i}", T0, T0.AddSeconds(30), Ct))));

        Assert.Single(claims, won => won);
        Assert.Equal($"instance-{Array.IndexOf(claims, true)}", (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!.RefreshLeaseOwner);
    }

    [Fact]
    public async Task StreamForSweepAsync_yields_every_row_once_across_pages_even_when_the_caller_changes_the_rows_it_was_given()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var token = SqliteTestDatabase.NewToken("alice", "github", $"gh-{i}");
            token.AccessTokenExpiresAt = T0.AddMinutes(i);
            await Database.CreateStore().CreateAsync(token, Ct);
            ids.Add(token.Id);
        }

        var seen = new List<Guid>();
        var query = new TokenSweepQuery { AccessTokenExpiresBefore = T0.AddHours(1), PageSize = 2 };
        await foreach (var row in Database.CreateStore().StreamForSweepAsync(query, Ct))
        {
            seen.Add(row.Id);

            // What a refresh does to the row it was handed (the sweep refreshes the rows it streams, as read).
            row.AccessTokenExpiresAt = T0.AddHours(2);
        }

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task TryClaimRefreshesAsync_claims_the_free_and_expired_rows_as_read_in_one_write_and_skips_the_leased_and_the_changed()
    {
        var rows = new List<OAuthToken>();
        for (var i = 0; i < 4; i++)
        {
            var token = SqliteTestDatabase.NewToken("alice", "github", $"gh-{i}");
            await Database.CreateStore().CreateAsync(token, Ct);
            rows.Add(token);
        }

        var leasedElsewhere = (await Database.CreateStore().FindByIdAsync(rows[1].Id, Ct))!;
        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(leasedElsewhere, "instance-b", T0, T0.AddSeconds(30), Ct));
        var crashed = (await Database.CreateStore().FindByIdAsync(rows[3].Id, Ct))!;
        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(crashed, "crashed", T0.AddSeconds(-40), T0.AddSeconds(-10), Ct));
        var reads = new List<OAuthToken>();
        foreach (var row in rows)
        {
            reads.Add((await Database.CreateStore().FindByIdAsync(row.Id, Ct))!);
        }

        var changed = (await Database.CreateStore().FindByIdAsync(rows[2].Id, Ct))!;
        changed.EncryptedAccessToken = "enc-refreshed-elsewhere";
        Assert.True(await Database.CreateStore().TryUpdateAsync(changed, Ct));
        var readConcurrencyTokens = reads.Select(read => read.ConcurrencyToken).ToList();

        var counter = new CommandCounter();
        using var context = Database.CreateContext(counter);
        var claimed = await new EfCoreTokenStore<OAuth2CaptureDbContext>(context).TryClaimRefreshesAsync(reads, "sweep-a", T0, T0.AddSeconds(30), Ct);

        Assert.Equal([reads[0], reads[3]], claimed);
        Assert.Equal(1, counter.Writes);
        foreach (var i in new[] { 0, 3 })
        {
            var row = (await Database.CreateStore().FindByIdAsync(rows[i].Id, Ct))!;
            Assert.Equal("sweep-a", row.RefreshLeaseOwner);
            Assert.Equal(T0.AddSeconds(30), row.RefreshLeaseExpiresAt);
            Assert.NotEqual(readConcurrencyTokens[i], row.ConcurrencyToken);
            Assert.Equal(row.ConcurrencyToken, reads[i].ConcurrencyToken);
            Assert.Equal("sweep-a", reads[i].RefreshLeaseOwner);
        }

        Assert.Equal("instance-b", (await Database.CreateStore().FindByIdAsync(rows[1].Id, Ct))!.RefreshLeaseOwner);
        Assert.Null((await Database.CreateStore().FindByIdAsync(rows[2].Id, Ct))!.RefreshLeaseOwner);
        Assert.Equal("instance-b", reads[1].RefreshLeaseOwner);
        Assert.Equal(readConcurrencyTokens[2], reads[2].ConcurrencyToken);
    }

    [Fact]
    public async Task TryClaimRefreshesAsync_by_two_concurrent_batches_over_the_same_rows_gives_each_row_to_exactly_one()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var token = SqliteTestDatabase.NewToken("alice", "github", $"gh-{i}");
            await Database.CreateStore().CreateAsync(token, Ct);
            ids.Add(token.Id);
        }

        async Task<List<OAuthToken>> ReadAsync(IEnumerable<Guid> order)
        {
            var reads = new List<OAuthToken>();
            foreach (var id in order)
            {
                reads.Add((await Database.CreateStore().FindByIdAsync(id, Ct))!);
            }

            return reads;
        }

        // The same rows, read by both before either claims, each batch of 8 in the opposite order to the other's.
        var readsA = await ReadAsync(ids);
        var readsB = await ReadAsync(Enumerable.Reverse(ids));
        var claims = await Task.WhenAll(
            Task.Run(() => ClaimInBatchesAsync(readsA, "sweep-a")),
            Task.Run(() => ClaimInBatchesAsync(readsB, "sweep-b")));

        var owners = new Dictionary<Guid, string>();
        foreach (var (claimed, owner) in claims.Zip(["sweep-a", "sweep-b"]))
        {
            foreach (var row in claimed)
            {
                owners.Add(row.Id, owner); // throws when both claimed one row
            }
        }

        Assert.Equal(ids.Order(), owners.Keys.Order());
        foreach (var id in ids)
        {
            Assert.Equal(owners[id], (await Database.CreateStore().FindByIdAsync(id, Ct))!.RefreshLeaseOwner);
        }

        async Task<List<OAuthToken>> ClaimInBatchesAsync(List<OAuthToken> reads, string owner)
        {
            var claimed = new List<OAuthToken>();
            foreach (var batch in reads.Chunk(8))
            {
                claimed.AddRange(await Database.CreateStore().TryClaimRefreshesAsync(batch, owner, T0, T0.AddSeconds(30), Ct));
            }

            return claimed;
        }
    }

    [Fact]
    public async Task TryUpdateAsync_with_the_lease_cleared_stores_the_outcome_and_releases_the_lease_in_one_write()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var holder = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(holder, "instance-a", T0, T0.AddSeconds(30), Ct));

        holder.EncryptedAccessToken = "enc-refreshed";
        holder.RefreshLeaseOwner = null;
        holder.RefreshLeaseExpiresAt = null;
        var counter = new CommandCounter();
        Assert.True(await Database.CreateStore(counter).TryUpdateAsync(holder, Ct));

        var row = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal("enc-refreshed", row.EncryptedAccessToken);
        Assert.Null(row.RefreshLeaseOwner);
        Assert.Null(row.RefreshLeaseExpiresAt);
        Assert.Equal(1, counter.Count);
        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(row, "instance-b", T0.AddSeconds(1), T0.AddSeconds(31), Ct));
    }

    [Fact]
    public async Task ReleaseRefreshAsync_ends_only_its_own_lease_and_abandoning_keeps_the_owner_with_an_ended_lease()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var holder = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.True(await Database.CreateStore().TryClaimRefreshAsync(holder, "instance-a", T0, T0.AddSeconds(30), Ct));

        Assert.False(await Database.CreateStore().ReleaseRefreshAsync(token.Id, "instance-b", null, Ct));
        Assert.Equal("instance-a", (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!.RefreshLeaseOwner);

        Assert.True(await Database.CreateStore().ReleaseRefreshAsync(token.Id, "instance-a", T0.AddSeconds(5), Ct));
        var abandoned = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal("instance-a", abandoned.RefreshLeaseOwner);
        Assert.Equal(T0.AddSeconds(5), abandoned.RefreshLeaseExpiresAt);
        Assert.NotEqual(holder.ConcurrencyToken, abandoned.ConcurrencyToken);

        Assert.True(await Database.CreateStore().ReleaseRefreshAsync(token.Id, "instance-a", null, Ct));
        var released = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Null(released.RefreshLeaseOwner);
        Assert.Null(released.RefreshLeaseExpiresAt);
    }

    [Fact]
    public async Task TryMarkExpiryNoticeAsync_claims_each_grant_end_once_and_a_new_grant_end_again()
    {
        var token = SqliteTestDatabase.NewToken("alice", "linkedin", "li-1");
        await Database.CreateStore().CreateAsync(token, Ct);
        var grantEnd = T0.AddDays(3);

        // Each try is a fresh instance (another app instance, or this one after a restart); one statement decides.
        var tries = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            tries.Add(await Database.CreateStore().TryMarkExpiryNoticeAsync(token.Id, grantEnd, Ct));
        }

        Assert.Equal([true, false, false], tries);
        var marked = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;
        Assert.Equal(grantEnd, marked.ExpiryNoticeSentFor);
        Assert.NotEqual(token.ConcurrencyToken, marked.ConcurrencyToken); // a writer holding the older read re-reads
        Assert.True(await Database.CreateStore().TryMarkExpiryNoticeAsync(token.Id, grantEnd.AddDays(365), Ct));
        Assert.False(await Database.CreateStore().TryMarkExpiryNoticeAsync(Guid.NewGuid(), grantEnd, Ct));
    }

    [Fact]
    public async Task Back_off_bookkeeping_round_trips()
    {
        var token = SqliteTestDatabase.NewToken("alice", "github", "gh-1");
        token.ConsecutiveFailures = 3;
        token.FailingSince = T0.AddDays(-2);
        token.LastErrorAt = T0;
        await Database.CreateStore().CreateAsync(token, Ct);

        var stored = (await Database.CreateStore().FindByIdAsync(token.Id, Ct))!;

        Assert.Equal(3, stored.ConsecutiveFailures);
        Assert.Equal(T0.AddDays(-2), stored.FailingSince);
        Assert.Null(stored.ExpiryNoticeSentFor);
    }

    private sealed class InsertBeforeFirstInsert(ITestStoreDatabase database, OAuthToken competitor) : DbCommandInterceptor
    {
        private bool _done;

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (!_done && command.CommandText.Contains("INSERT", StringComparison.OrdinalIgnoreCase))
            {
                _done = true;
                using var context = database.CreateContext();
                context.Tokens.Add(competitor);
                await context.SaveChangesAsync(cancellationToken);
            }

            return result;
        }
    }
}

/// <summary>The store on a real SQLite database in memory.</summary>
public sealed class SqliteEfCoreTokenStoreTests : EfCoreTokenStoreTests
{
    private SqliteTestDatabase Sqlite => (SqliteTestDatabase)Database;

    private protected override Task<ITestStoreDatabase> CreateDatabaseAsync() => Task.FromResult<ITestStoreDatabase>(new SqliteTestDatabase());

    [Fact]
    public async Task Dates_on_SQLite_compare_and_order_by_instant_whatever_their_offset()
    {
        // As text, "10:00+05:00" sorts after "06:00+00:00"; as instants, 05:00Z comes before 06:00Z.
        var earlier = SqliteTestDatabase.NewToken("alice", "github", "earlier", new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(5)));
        var later = SqliteTestDatabase.NewToken("alice", "github", "later", new DateTimeOffset(2026, 1, 1, 6, 0, 0, TimeSpan.Zero));
        earlier.EncryptedRefreshToken = null;
        later.EncryptedRefreshToken = null;
        earlier.AccessTokenExpiresAt = earlier.UpdatedAt;
        later.AccessTokenExpiresAt = later.UpdatedAt;
        await Sqlite.CreateStore().CreateAsync(earlier, Ct);
        await Sqlite.CreateStore().CreateAsync(later, Ct);

        var latest = await Sqlite.CreateStore().FindLatestAsync("alice", "github", Ct);
        var expiring = await Sqlite.CreateStore().ListExpiringAsync(
            "alice", new DateTimeOffset(2026, 1, 1, 1, 30, 0, TimeSpan.FromHours(-4)), Ct); // 05:30Z

        Assert.Equal(later.Id, latest?.Id);
        Assert.Equal(TimeSpan.Zero, latest?.UpdatedAt.Offset);
        Assert.Equal(later.UpdatedAt, latest?.UpdatedAt);
        Assert.Equal([earlier.Id], expiring.Select(t => t.Id));

        using var command = Sqlite.Connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT typeof(UpdatedAt) || ',' || typeof(AccessTokenExpiresAt) FROM oauth2capture_tokens";
        Assert.Equal("integer,integer", command.ExecuteScalar());
    }
}

/// <summary>The same store on PostgreSQL, migrated with the shipped PostgreSQL migrations (skipped without a server, failed in CI).</summary>
public sealed class PostgreSqlEfCoreTokenStoreTests : EfCoreTokenStoreTests
{
    private protected override async Task<ITestStoreDatabase> CreateDatabaseAsync()
        => new PostgreSqlStoreDatabase(await PostgreSqlTestDatabase.CreateMigratedAsync(Ct));
}

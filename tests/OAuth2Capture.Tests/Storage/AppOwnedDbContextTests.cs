using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

public sealed class AppOwnedDbContextTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public AppOwnedDbContextTests() => _connection.Open();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _connection.Dispose();

    private AppOwnedDbContext CreateContext(bool storeDatesAsUtcTicks = true)
        => new(new DbContextOptionsBuilder<AppOwnedDbContext>()
            .UseSqlite(_connection)
            // The test builds two differently mapped models from one context type.
            .ReplaceService<IModelCacheKeyFactory, PerMappingModelCacheKeyFactory>()
            .Options, storeDatesAsUtcTicks);

    [Fact]
    public async Task Store_over_an_app_context_using_UseOAuth2Capture_creates_finds_updates_and_lists()
    {
        await using (var context = CreateContext())
        {
            await context.Database.EnsureCreatedAsync(Ct);
            context.Notes.Add(new AppNote { Text = "the app's own data" });
            await context.SaveChangesAsync(Ct);
        }

        var older = SqliteTestDatabase.NewToken("alice", "github", "gh-1", T0);
        var newer = SqliteTestDatabase.NewToken("alice", "github", "gh-2", T0.AddHours(1));
        newer.RefreshTokenExpiresAt = T0.AddDays(1);
        await using (var context = CreateContext())
        {
            var store = new EfCoreTokenStore<AppOwnedDbContext>(context);
            await store.CreateAsync(older, Ct);
            await store.CreateAsync(newer, Ct);
            await Assert.ThrowsAsync<ConnectionConflictException>(
                async () => await store.CreateAsync(SqliteTestDatabase.NewToken("bob", "github", "gh-1"), Ct));
        }

        await using (var context = CreateContext())
        {
            var store = new EfCoreTokenStore<AppOwnedDbContext>(context);
            Assert.Equal(newer.Id, (await store.FindLatestAsync("alice", "github", Ct))?.Id);
            Assert.Equal(2, (await store.ListByOwnerAsync("alice", Ct)).Count);
            Assert.Equal([newer.Id], (await store.ListExpiringAsync("alice", T0.AddDays(2), Ct)).Select(t => t.Id));

            var read = (await store.FindByIdAsync(older.Id, Ct))!;
            read.DisplayName = "renamed";
            Assert.True(await store.TryUpdateAsync(read, Ct));
            Assert.Equal("the app's own data", (await context.Notes.SingleAsync(Ct)).Text);
        }
    }

    [Fact]
    public void UseOAuth2Capture_maps_the_entity_to_the_library_table_with_its_indexes()
    {
        using var context = CreateContext();
        var entity = context.Model.FindEntityType(typeof(OAuthToken))!;

        Assert.Equal("oauth2capture_tokens", entity.GetTableName());
        Assert.True(entity.FindProperty(nameof(OAuthToken.ConcurrencyToken))!.IsConcurrencyToken);
        Assert.Equal(64, entity.FindProperty(nameof(OAuthToken.ConcurrencyToken))!.GetMaxLength());
        var unique = Assert.Single(entity.GetIndexes(), index => index.IsUnique);
        Assert.Equal([nameof(OAuthToken.Provider), nameof(OAuthToken.ProviderUserId)], unique.Properties.Select(p => p.Name));
        Assert.Equal(3, entity.GetIndexes().Count());
    }

    [Fact]
    public async Task Store_over_an_app_context_mapping_SQLite_dates_natively_fails_with_a_clear_message()
    {
        await using var context = CreateContext(storeDatesAsUtcTicks: false);
        var store = new EfCoreTokenStore<AppOwnedDbContext>(context);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await store.FindLatestAsync("alice", "github", Ct));

        Assert.Contains(nameof(OAuth2CaptureModelOptions.StoreDatesAsUtcTicks), error.Message);
    }

    private sealed class PerMappingModelCacheKeyFactory : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime)
            => (context.GetType(), designTime, ((AppOwnedDbContext)context).StoreDatesAsUtcTicks);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// The sweep's batch claim (<c>RefreshLease.ClaimBatchAsync</c>): leases taken for a batch of due rows are either taken over
/// by the refresh of each row or released, so a stopped sweep leaves no lease behind on rows it never reached.
/// </summary>
public sealed class SweepBatchClaimTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(SharedDatabase.Engines), MemberType = typeof(SharedDatabase))]
    public async Task Sweep_stopped_while_claimed_rows_wait_for_a_slot_releases_their_leases_without_a_trail(OAuth2CaptureStoreProvider engine)
    {
        await using var db = await SharedDatabase.CreateAsync(engine, Ct);
        await using var fake = await FakeTokenEndpoint.StartAsync();

        // Two slots, so one batch claims four rows: two start, two wait for a slot; the last two rows are never claimed.
        await using var app = await BackgroundHarness.StartAsync(db, fake: fake, background: o =>
        {
            o.MaxConcurrency = 2;
            o.MaxConcurrencyPerProvider = 2;
        });
        await app.SeedManyAsync(6, app.Clock.GetUtcNow().AddMinutes(5), Ct);
        fake.HoldAnswers();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sweep = app.Refresher.RunOnceAsync(stop.Token);
        await WaitUntilAsync(() => fake.Held >= 2);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sweep);

        var rows = await ReadAllAsync(app);
        var now = app.Clock.GetUtcNow();
        Assert.Equal(2, rows.Count(row => row.RefreshLeaseExpiresAt > now)); // the two refreshes still running
        Assert.Equal(4, rows.Count(row => row.RefreshLeaseOwner is null && row.RefreshLeaseExpiresAt is null && row.LastRefreshedAt is null));

        // The two running refreshes finish in their single flight and end their leases with the result.
        fake.ReleaseAnswers();
        await WaitUntilAsync(async () => (await ReadAllAsync(app)).Count(row => row.LastRefreshedAt is not null) == 2);
        Assert.All(await ReadAllAsync(app), row => Assert.Null(row.RefreshLeaseOwner));
        Assert.Equal(2, fake.CallsPerRefreshToken.Count);
        Assert.All(fake.CallsPerRefreshToken, pair => Assert.Equal(1, pair.Value));
    }

    private static async Task<List<OAuthToken>> ReadAllAsync(BackgroundHarness app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>().Set<OAuthToken>().AsNoTracking().ToListAsync(Ct);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "Timed out waiting for the sweep.");
            await Task.Delay(20, Ct);
        }
    }
}

using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Storage;

namespace OAuth2Capture.Tests.Background;

/// <summary>
/// What one refreshed row costs the sweep in store contexts: the refresh's own, which stores the outcome, and no other. A
/// context is an allocation, a lookup of EF Core's service provider and a lock of the scope; a second one per row that is
/// never used was a share of every refresh's time on two busy cores.
/// </summary>
public sealed class SweepContextTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sweep_builds_one_store_context_per_refreshed_row()
    {
        const int rows = 40;
        var contexts = new ContextCounter();
        await using var db = await SharedDatabase.CreateAsync(OAuth2CaptureStoreProvider.Sqlite, Ct);
        await using var fake = await FakeTokenEndpoint.StartAsync();
        await using var app = await BackgroundHarness.StartAsync(db, fake: fake, services: contexts.Register);
        await app.SeedManyAsync(rows, app.Clock.GetUtcNow().AddMinutes(5), Ct);

        var before = contexts.Count;
        var result = await app.Refresher.RunOnceAsync(Ct);
        var built = contexts.Count - before;

        Assert.Equal(rows, result.Refreshed);
        // One per row, plus the sweep's own streaming scope (its pages, claims and count).
        Assert.InRange(built, rows, rows + 2);
    }
}

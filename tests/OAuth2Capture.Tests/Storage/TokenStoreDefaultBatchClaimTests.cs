using Moq;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// A store written before <see cref="ITokenStore.TryClaimRefreshesAsync"/> existed (an app's own <see cref="ITokenStore"/>)
/// still claims batches correctly: the interface's default claims each row with <see cref="ITokenStore.TryClaimRefreshAsync"/>.
/// </summary>
public sealed class TokenStoreDefaultBatchClaimTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TryClaimRefreshesAsync_by_default_claims_each_row_alone_and_returns_those_it_won_in_order()
    {
        var rows = Enumerable.Range(0, 4).Select(i => SqliteTestDatabase.NewToken("alice", "github", $"gh-{i}")).ToList();
        var store = new Mock<ITokenStore> { CallBase = true };
        store.Setup(s => s.TryClaimRefreshAsync(It.IsAny<OAuthToken>(), "sweep-a", T0, T0.AddSeconds(30), It.IsAny<CancellationToken>()))
            .Returns((OAuthToken token, string _, DateTimeOffset _, DateTimeOffset _, CancellationToken _) => ValueTask.FromResult(token != rows[1]));

        var claimed = await store.Object.TryClaimRefreshesAsync(rows, "sweep-a", T0, T0.AddSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal([rows[0], rows[2], rows[3]], claimed);
        store.Verify(s => s.TryClaimRefreshAsync(It.IsAny<OAuthToken>(), "sweep-a", T0, T0.AddSeconds(30), It.IsAny<CancellationToken>()), Times.Exactly(4));
    }
}

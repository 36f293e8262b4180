using OAuth2Capture.Background;

namespace OAuth2Capture.Tests.Background;

public sealed class SweepOrderTests
{
    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 5)]
    [InlineData(2, 5)]
    [InlineData(12, 5)]
    [InlineData(500, 500)]
    public async Task StaggerAsync_yields_every_row_once_each_chunk_starting_with_its_soonest_row(int count, int chunkSize)
    {
        var rows = Enumerable.Range(0, count).ToList();

        var staggered = new List<int>();
        await foreach (var row in SweepOrder.StaggerAsync(rows.ToAsyncEnumerable(), chunkSize, TestContext.Current.CancellationToken))
        {
            staggered.Add(row);
        }

        Assert.Equal(rows, staggered.Order());
        for (var start = 0; start < count; start += chunkSize)
        {
            Assert.Equal(start, staggered[start]);
            Assert.Equal(rows.Skip(start).Take(chunkSize), staggered.Skip(start).Take(chunkSize).Order());
        }
    }
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace OAuth2Capture.Background;

/// <summary>
/// The order in which one sweep visits the rows it streams. Instances sweeping together read the same pages; walking them
/// in the same order, they would race for the refresh lease of nearly every row (the loser's claim is a wasted write and
/// read, about four rows in ten on PostgreSQL in the scale test). So each sweep walks every chunk of a page's size from a
/// random row onward, wrapping around, after the chunk's first (soonest due) row: two sweeps then meet on a few rows only,
/// and the row that became due first is still refreshed first.
/// </summary>
internal static class SweepOrder
{
    /// <summary>Yields every row of <paramref name="rows"/> once, each chunk of <paramref name="chunkSize"/> rotated.</summary>
    /// <param name="rows">The rows, soonest due first.</param>
    /// <param name="chunkSize">The store's page size: the sweep never holds more than about one page.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    /// <returns>The same rows.</returns>
    public static async IAsyncEnumerable<T> StaggerAsync<T>(IAsyncEnumerable<T> rows, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var chunk = new List<T>(chunkSize);
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            chunk.Add(row);
            if (chunk.Count == chunkSize)
            {
                foreach (var staggered in Rotate(chunk))
                {
                    yield return staggered;
                }

                chunk.Clear();
            }
        }

        foreach (var staggered in Rotate(chunk))
        {
            yield return staggered;
        }
    }

    private static IEnumerable<T> Rotate<T>(List<T> chunk)
    {
        if (chunk.Count == 0)
        {
            yield break;
        }

        yield return chunk[0];
        var start = chunk.Count > 2 ? RandomNumberGenerator.GetInt32(1, chunk.Count) : 1;
        for (var i = 0; i < chunk.Count - 1; i++)
        {
            yield return chunk[1 + ((start - 1 + i) % (chunk.Count - 1))];
        }
    }
}

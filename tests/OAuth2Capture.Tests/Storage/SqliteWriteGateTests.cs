using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// Concurrent writers of one process on one SQLite file (a sweep refreshing several connections at once): with the gate they
/// reach the file one at a time instead of colliding (a collision costs the loser a 150 ms sleep in Microsoft.Data.Sqlite).
/// </summary>
public sealed class SqliteWriteGateTests : IDisposable
{
    private const int Writers = 8;

    private readonly string path = Path.Combine(Path.GetTempPath(), $"oauth2capture-gate-{Guid.NewGuid():N}.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_writes_to_one_SQLite_file_reach_it_one_at_a_time_through_the_gate_and_overlap_without_it()
    {
        var ids = await SeedAsync(2 * Writers);

        var ungated = await ClaimAllAsync(ids[..Writers], gate: null);
        using var gate = new SqliteWriteGate();
        var gated = await ClaimAllAsync(ids[Writers..], gate);

        Assert.True(ungated.MaxInFlight > 1, $"without the gate at most {ungated.MaxInFlight} write was in flight: the probe cannot see overlap");
        Assert.Equal(1, gated.MaxInFlight);
        Assert.All(ungated.Claimed.Concat(gated.Claimed), Assert.True);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(path + suffix);
        }
    }

    private OAuth2CaptureDbContext CreateContext(params IInterceptor[] interceptors)
        => new(new DbContextOptionsBuilder<OAuth2CaptureDbContext>().UseSqlite($"Data Source={path}").AddInterceptors(interceptors).Options);

    private async Task<Guid[]> SeedAsync(int rows)
    {
        await using var context = CreateContext();
        await context.Database.MigrateAsync(Ct);
        var store = new EfCoreTokenStore<OAuth2CaptureDbContext>(context);
        var ids = new Guid[rows];
        for (var i = 0; i < rows; i++)
        {
            var row = SqliteTestDatabase.NewToken($"user-{i}", "dev", $"account-{i}");
            await store.CreateAsync(row, Ct);
            ids[i] = row.Id;
        }

        return ids;
    }

    /// <summary>Every writer, in its own context as in its own request, claims the refresh lease of its own row at once.</summary>
    private async Task<(int MaxInFlight, bool[] Claimed)> ClaimAllAsync(Guid[] ids, SqliteWriteGate? gate)
    {
        var probe = new InFlightWrites();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = ids.Select(async id =>
        {
            await start.Task;
            await using var context = CreateContext(probe);
            var store = new EfCoreTokenStore<OAuth2CaptureDbContext>(context, writeGate: gate);
            var row = (await store.FindByIdAsync(id, Ct))!;
            var now = DateTimeOffset.UtcNow;
            return await store.TryClaimRefreshAsync(row, $"writer-{id:N}", now, now.AddSeconds(30), Ct);
        }).ToArray();
        start.SetResult();
        var claimed = await Task.WhenAll(writers);
        return (probe.MaxInFlight, claimed);
    }

    /// <summary>Holds each UPDATE a moment before it runs and records how many were between "executing" and "executed" at once.</summary>
    private sealed class InFlightWrites : DbCommandInterceptor
    {
        private int inFlight;
        private int maxInFlight;

        public int MaxInFlight => Volatile.Read(ref maxInFlight);

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (IsUpdate(command))
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(now);
                await Task.Delay(TimeSpan.FromMilliseconds(30), cancellationToken);
            }

            return result;
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (IsUpdate(command))
            {
                Interlocked.Decrement(ref inFlight);
            }

            return ValueTask.FromResult(result);
        }

        private static bool IsUpdate(DbCommand command) => command.CommandText.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase);

        private void InterlockedMax(int value)
        {
            var seen = Volatile.Read(ref maxInFlight);
            while (value > seen && Interlocked.CompareExchange(ref maxInFlight, value, seen) != seen)
            {
                seen = Volatile.Read(ref maxInFlight);
            }
        }
    }
}

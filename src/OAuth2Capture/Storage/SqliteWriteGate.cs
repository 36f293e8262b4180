using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Storage;

/// <summary>
/// Lets one write at a time of this process reach each SQLite database file; other engines pass straight through.
/// </summary>
/// <remarks>
/// SQLite takes one writer at a time whatever the app does, so queuing writers costs no throughput. What it avoids is the
/// collision: a second writer gets <c>SQLITE_BUSY</c>, and Microsoft.Data.Sqlite then blocks its thread for 150 ms before
/// trying again, so a handful of concurrent refreshes (the background sweep runs several) spent most of their time asleep.
/// Waiting here is asynchronous and ends the moment the previous write commits. Writers in other processes sharing the file
/// still collide with these; several instances belong on PostgreSQL (docs/many-instances.md).
/// </remarks>
internal sealed class SqliteWriteGate : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="write"/> alone among this process's writes to the same SQLite file.</summary>
    /// <typeparam name="T">The write's result.</typeparam>
    /// <param name="context">The context that writes (its connection names the file).</param>
    /// <param name="write">The write.</param>
    /// <param name="cancellationToken">Cancels the wait and the write.</param>
    /// <returns>What the write returned.</returns>
    public async Task<T> RunAsync<T>(DbContext context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        if (!context.Database.IsSqlite())
        {
            return await write(cancellationToken).ConfigureAwait(false);
        }

        var gate = gates.GetOrAdd(FileOf(context), static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await write(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var gate in gates.Values)
        {
            gate.Dispose();
        }
    }

    /// <summary>The database the context writes to: the file's full path, or the connection string for anything else (in memory).</summary>
    private static string FileOf(DbContext context)
    {
        var connectionString = context.Database.GetConnectionString() ?? string.Empty;
        return SqliteDatabaseFile.TryGetPath(connectionString, out var path) ? path : connectionString;
    }
}

using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace OAuth2Capture.Storage;

/// <summary>
/// The one mapping from what a store call throws to "the store is unavailable for now" (PostgreSQL down, restarting or
/// unreachable; the pool exhausted; a SQLite file locked by another writer beyond the busy timeout), as opposed to a fault
/// that retrying cannot fix (a constraint violation, a missing table, a bug), which stays an exception. Every layer that
/// answers for a failed store call asks here; <c>Providers/Resilience/ProviderCallFailure.cs</c> is its twin for provider calls.
/// </summary>
internal static class StoreFailure
{
    /// <summary>The stable code of a store outage, carried as <see cref="Tokens.TokenResult.Error"/> and as the HTTP error code.</summary>
    public const string ErrorCode = "store_unavailable";

    /// <summary>How long callers are told to wait before trying again: outages worth answering this way last seconds.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>Whether the exception means the store is unavailable for now; never the caller's own cancellation.</summary>
    /// <param name="exception">What the store call threw (EF Core's wrappers are looked through).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        // EF Core wraps the provider's exception (DbUpdateException, "transient failure" InvalidOperationException,
        // RetryLimitExceededException); the innermost database exception decides.
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SqliteException sqlite:
                    return (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked;
                case DbException database:
                    // Every other ADO.NET provider says itself whether a failure is "not now". Npgsql (the PostgreSQL
                    // package) marks connection refused or reset, a timeout, an exhausted pool and the server's "not
                    // now" states (shutdown, too many connections) transient; a constraint violation or a missing table
                    // is not.
                    return database.IsTransient;
                case SocketException or TimeoutException:
                    return true;
            }
        }

        return false;
    }
}

using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OAuth2Capture.Benchmarks.Infrastructure;

/// <summary>The store commands counted between two moments.</summary>
internal readonly record struct StoreCommandCounts(long Reads, long Writes)
{
    public static StoreCommandCounts operator -(StoreCommandCounts later, StoreCommandCounts earlier)
        => new(later.Reads - earlier.Reads, later.Writes - earlier.Writes);
}

/// <summary>
/// Counts the SQL commands EF Core sends, on every context and engine in the process, through EF Core's public
/// <see cref="DiagnosticListener"/> (<c>Microsoft.EntityFrameworkCore</c>, event <c>CommandExecuting</c>): a
/// <c>SELECT</c> is a read, an <c>UPDATE</c>, <c>INSERT</c> or <c>DELETE</c> a write. Works on the PostgreSQL context too,
/// whose options an app cannot reach to add an interceptor.
/// </summary>
internal sealed class StoreCommandListener : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly string CommandExecuting = RelationalEventId.CommandExecuting.Name!;

    private readonly IDisposable allListeners;
    private readonly List<IDisposable> subscriptions = [];
    private long reads;
    private long writes;

    public StoreCommandListener() => allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    /// <summary>Gets the commands counted so far.</summary>
    public StoreCommandCounts Counts => new(Interlocked.Read(ref reads), Interlocked.Read(ref writes));

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (subscriptions)
            {
                subscriptions.Add(value.Subscribe(this, name => name == CommandExecuting));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != CommandExecuting || value.Value is not CommandEventData { Command.CommandText: var sql })
        {
            return;
        }

        var text = sql.AsSpan().TrimStart();
        if (text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref reads);
        }
        else if (text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref writes);
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (subscriptions)
        {
            subscriptions.ForEach(subscription => subscription.Dispose());
            subscriptions.Clear();
        }
    }
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// Counts the commands a context sends: <see cref="Count"/> those that read rows back (queries, and writes that return
/// values), <see cref="Writes"/> every INSERT, UPDATE or DELETE however it is sent (<c>SaveChanges</c>, <c>ExecuteUpdate</c>),
/// <see cref="LostWrites"/> those of them sent as <c>ExecuteUpdate</c> that matched no row (a conditional claim another
/// writer won), and <see cref="Selects"/> the queries alone (SQLite sends an <c>UPDATE</c> of <c>SaveChanges</c> as a reader too).
/// </summary>
internal sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;
    private int _writes;
    private int _lostWrites;
    private int _selects;

    public int Count => _count;

    public int Writes => Volatile.Read(ref _writes);

    public int LostWrites => Volatile.Read(ref _lostWrites);

    public int Selects => Volatile.Read(ref _selects);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        CountWrite(command);
        CountSelect(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Interlocked.Increment(ref _count);
        CountWrite(command);
        CountSelect(command);
        return base.ReaderExecuting(command, eventData, result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        CountWrite(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        CountWrite(command);
        return base.NonQueryExecuting(command, eventData, result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        CountLost(command, result);
        return base.NonQueryExecutedAsync(command, eventData, result, cancellationToken);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        CountLost(command, result);
        return base.NonQueryExecuted(command, eventData, result);
    }

    private static bool IsWrite(DbCommand command)
    {
        var text = command.CommandText.AsSpan().TrimStart();
        return text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase);
    }

    private void CountSelect(DbCommand command)
    {
        if (command.CommandText.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _selects);
        }
    }

    private void CountWrite(DbCommand command)
    {
        if (IsWrite(command))
        {
            Interlocked.Increment(ref _writes);
        }
    }

    private void CountLost(DbCommand command, int rowsAffected)
    {
        if (rowsAffected == 0 && IsWrite(command))
        {
            Interlocked.Increment(ref _lostWrites);
        }
    }
}

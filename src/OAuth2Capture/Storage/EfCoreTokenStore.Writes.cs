using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Storage;

/// <summary>The writes of <see cref="EfCoreTokenStore{TContext}"/>: each one conditional, each one through the SQLite write gate.</summary>
internal sealed partial class EfCoreTokenStore<TContext>
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const string PostgreSqlUniqueViolation = "23505";

    /// <inheritdoc/>
    public async ValueTask CreateAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);

        // Checking first gives a clear answer in the common case; the unique index settles the race between two writers.
        if (await FindByProviderAccountAsync(token.Provider, token.ProviderUserId, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new ConnectionConflictException(token.Provider, token.ProviderUserId);
        }

        if (string.IsNullOrEmpty(token.ConcurrencyToken))
        {
            token.ConcurrencyToken = NewConcurrencyToken();
        }

        var entry = Tokens.Add(token);
        try
        {
            await WriteAsync(context.SaveChangesAsync, cancellationToken).ConfigureAwait(false);
            listener?.Written(token.Id, token.OwnerId, token.Provider);
        }
        catch (DbUpdateException exception) when (IsUniqueViolation(exception))
        {
            throw new ConnectionConflictException(token.Provider, token.ProviderUserId, exception);
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryUpdateAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);

        // An app sharing its context may track another instance of this row; ours is the one to write.
        if (Tokens.Local.FindEntry(token.Id) is { } tracked && !ReferenceEquals(tracked.Entity, token))
        {
            tracked.State = EntityState.Detached;
        }

        var originalConcurrencyToken = token.ConcurrencyToken;
        var entry = context.Entry(token);
        entry.State = EntityState.Modified;

        // The WHERE clause compares the original value: the token the caller read.
        var concurrency = entry.Property(t => t.ConcurrencyToken);
        concurrency.OriginalValue = originalConcurrencyToken;
        concurrency.CurrentValue = NewConcurrencyToken();

        var updated = false;
        try
        {
            await WriteAsync(context.SaveChangesAsync, cancellationToken).ConfigureAwait(false);
            updated = true;
            listener?.Written(token.Id, token.OwnerId, token.Provider);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another writer won, or the row is gone: the caller re-reads and decides again.
        }
        finally
        {
            entry.State = EntityState.Detached;
            if (!updated)
            {
                token.ConcurrencyToken = originalConcurrencyToken;
            }
        }

        return updated;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryClaimRefreshAsync(OAuthToken token, string leaseOwner, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrEmpty(leaseOwner);

        // The batch claim's statement for a batch of one: of several instances racing with the same read, exactly one
        // matches; the others see zero rows and re-read.
        return (await TryClaimRefreshesAsync([token], leaseOwner, now, leaseExpiresAt, cancellationToken).ConfigureAwait(false)).Count == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ReleaseRefreshAsync(Guid id, string leaseOwner, DateTimeOffset? abandonedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseOwner);

        var newConcurrencyToken = NewConcurrencyToken();
        var holder = Tokens.Where(row => row.Id == id && row.RefreshLeaseOwner == leaseOwner);
        var released = await WriteAsync(ct => abandonedAt is { } at
            ? holder.ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(row => row.RefreshLeaseExpiresAt, at)
                    .SetProperty(row => row.ConcurrencyToken, newConcurrencyToken),
                ct)
            : holder.ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(row => row.RefreshLeaseOwner, (string?)null)
                    .SetProperty(row => row.RefreshLeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(row => row.ConcurrencyToken, newConcurrencyToken),
                ct), cancellationToken).ConfigureAwait(false);
        return released == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryMarkExpiryNoticeAsync(Guid id, DateTimeOffset grantEnd, CancellationToken cancellationToken)
    {
        // One statement: UPDATE ... WHERE Id = @id AND (ExpiryNoticeSentFor IS NULL OR ExpiryNoticeSentFor <> @end). The new
        // concurrency token makes a writer holding an older read re-read instead of writing the old value back.
        var newConcurrencyToken = NewConcurrencyToken();
        return await WriteAsync(ct => Tokens
            .Where(row => row.Id == id && (row.ExpiryNoticeSentFor == null || row.ExpiryNoticeSentFor != grantEnd))
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(row => row.ExpiryNoticeSentFor, (DateTimeOffset?)grantEnd)
                    .SetProperty(row => row.ConcurrencyToken, newConcurrencyToken),
                ct), cancellationToken)
            .ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        // Listeners key connections by owner and provider too, which the id alone does not give: one more read, only for them.
        var owner = listener?.IsListening == true
            ? await Tokens.AsNoTracking().Where(token => token.Id == id)
                .Select(token => new { token.OwnerId, token.Provider })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var deleted = await WriteAsync(ct => Tokens
            .Where(token => token.Id == id)
            .ExecuteDeleteAsync(ct), cancellationToken)
            .ConfigureAwait(false) > 0;
        if (owner is not null)
        {
            listener!.Written(id, owner.OwnerId, owner.Provider);
        }

        return deleted;
    }

    private static string NewConcurrencyToken() => Guid.NewGuid().ToString("N");

    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint
            && sqlite.SqliteExtendedErrorCode == SqliteConstraintUnique,
        DbException other => other.SqlState == PostgreSqlUniqueViolation,
        _ => false,
    };

    /// <summary>Runs one write, alone among this process's writes to the same SQLite file when the gate is there.</summary>
    private Task<T> WriteAsync<T>(Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
        => writeGate is null ? write(cancellationToken) : writeGate.RunAsync(context, write, cancellationToken);
}

using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Storage;

/// <summary>The batch claim of <see cref="EfCoreTokenStore{TContext}"/>: the refresh leases of a sweep's due rows in one statement.</summary>
internal sealed partial class EfCoreTokenStore<TContext>
{
    /// <summary>
    /// The most rows one claim names: each is two parameters and one branch of the condition (kept as a balanced tree, so
    /// its depth stays far below SQLite's expression depth limit of 1,000). The background refresher claims fewer.
    /// </summary>
    internal const int MaxClaimBatch = 128;

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<OAuthToken>> TryClaimRefreshesAsync(
        IReadOnlyList<OAuthToken> tokens, string leaseOwner, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentException.ThrowIfNullOrEmpty(leaseOwner);
        if (tokens.Count == 0)
        {
            return [];
        }

        if (tokens.Count > MaxClaimBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens.Count, $"At most {MaxClaimBatch} rows are claimed at once.");
        }

        // One statement, atomic on every engine, the condition of TryClaimRefreshAsync for each row:
        // UPDATE ... WHERE ((Id = @id0 AND ConcurrencyToken = @read0) OR ...) AND (RefreshLeaseExpiresAt IS NULL OR
        // RefreshLeaseExpiresAt <= @now). Of several instances racing for a row, exactly one matches it. The new concurrency
        // token is the batch's; every later write compares id and token together, so sharing it across rows is harmless.
        var newConcurrencyToken = NewConcurrencyToken();
        var claimedCount = await WriteAsync(ct => Tokens
            .Where(StillAsRead(tokens))
            .Where(row => row.RefreshLeaseExpiresAt == null || row.RefreshLeaseExpiresAt <= now)
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(row => row.RefreshLeaseOwner, leaseOwner)
                    .SetProperty(row => row.RefreshLeaseExpiresAt, leaseExpiresAt)
                    .SetProperty(row => row.ConcurrencyToken, newConcurrencyToken),
                ct), cancellationToken)
            .ConfigureAwait(false);
        if (claimedCount == 0)
        {
            return [];
        }

        // Every row matched (the usual case): each is unchanged since it was read, so its values are the ones given, and no
        // read is needed. Otherwise one read tells which rows carry this claim (owner and token are this batch's alone).
        IReadOnlyList<OAuthToken> claimed = tokens;
        if (claimedCount < tokens.Count)
        {
            var ids = tokens.Select(token => token.Id).ToList();
            var mine = (await Tokens.AsNoTracking()
                .Where(row => ids.Contains(row.Id) && row.RefreshLeaseOwner == leaseOwner && row.ConcurrencyToken == newConcurrencyToken)
                .Select(row => row.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet();
            claimed = tokens.Where(token => mine.Contains(token.Id)).ToList();
        }

        foreach (var token in claimed)
        {
            token.RefreshLeaseOwner = leaseOwner;
            token.RefreshLeaseExpiresAt = leaseExpiresAt;
            token.ConcurrencyToken = newConcurrencyToken;
        }

        return claimed;
    }

    /// <summary>
    /// <c>(Id = @id0 AND ConcurrencyToken = @read0) OR (Id = @id1 AND ...)</c>, balanced. Each value is read from an object
    /// the query holds, so EF Core sends it as a parameter (with the column's conversion: a GUID as text and dates as ticks on
    /// SQLite) and caches one plan per batch size.
    /// </summary>
    private static Expression<Func<OAuthToken, bool>> StillAsRead(IReadOnlyList<OAuthToken> tokens)
    {
        var row = Expression.Parameter(typeof(OAuthToken), "row");
        var id = Expression.Property(row, nameof(OAuthToken.Id));
        var concurrencyToken = Expression.Property(row, nameof(OAuthToken.ConcurrencyToken));
        var matches = tokens.Select(token =>
        {
            var read = Expression.Constant(new ReadVersion(token.Id, token.ConcurrencyToken));
            return (Expression)Expression.AndAlso(
                Expression.Equal(id, Expression.Property(read, nameof(ReadVersion.Id))),
                Expression.Equal(concurrencyToken, Expression.Property(read, nameof(ReadVersion.ConcurrencyToken))));
        }).ToList();
        return Expression.Lambda<Func<OAuthToken, bool>>(AnyOf(matches, 0, matches.Count), row);
    }

    private static Expression AnyOf(List<Expression> matches, int start, int count)
        => count == 1 ? matches[start] : Expression.OrElse(AnyOf(matches, start, count / 2), AnyOf(matches, start + (count / 2), count - (count / 2)));

    /// <summary>A row's id and the concurrency token it was read with.</summary>
    private sealed record ReadVersion(Guid Id, string ConcurrencyToken);
}

using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Storage;

/// <summary>
/// The EF Core <see cref="ITokenStore"/>, over the library's <see cref="OAuth2CaptureDbContext"/> or an app's own context that
/// maps <see cref="OAuthToken"/> (<c>modelBuilder.UseOAuth2Capture()</c>). Reads are not tracked; writes leave nothing tracked.
/// </summary>
/// <typeparam name="TContext">The context that maps <see cref="OAuthToken"/>.</typeparam>
/// <param name="context">The scoped context.</param>
/// <param name="cache">The token cache to tell about every committed write that changes a connection's tokens or status, when
/// there is one (see <see cref="OAuth2CaptureOptions.TokenCacheDuration"/>).</param>
internal sealed class EfCoreTokenStore<TContext>(TContext context, Tokens.TokenCache? cache = null) : ITokenStore
    where TContext : DbContext
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const string PostgreSqlUniqueViolation = "23505";

    private bool _modelChecked;

    private DbSet<OAuthToken> Tokens
    {
        get
        {
            if (!_modelChecked)
            {
                EnsureDatesComparable();
                _modelChecked = true;
            }

            return context.Set<OAuthToken>();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<OAuthToken?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
        => await Tokens.AsNoTracking()
            .FirstOrDefaultAsync(token => token.Id == id, cancellationToken)
            .ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<OAuthToken?> FindLatestAsync(string ownerId, string provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        ArgumentNullException.ThrowIfNull(provider);

        return await Tokens.AsNoTracking()
            .Where(token => token.OwnerId == ownerId && token.Provider == provider)
            .OrderByDescending(token => token.UpdatedAt)
            .ThenByDescending(token => token.CreatedAt)
            .ThenBy(token => token.Id)
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<OAuthToken>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);

        return await Tokens.AsNoTracking()
            .Where(token => token.OwnerId == ownerId)
            .OrderBy(token => token.Provider)
            .ThenByDescending(token => token.UpdatedAt)
            .ThenBy(token => token.Id)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<OAuthToken?> FindByProviderAccountAsync(string provider, string providerUserId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(providerUserId);

        return await Tokens.AsNoTracking()
            .FirstOrDefaultAsync(token => token.Provider == provider && token.ProviderUserId == providerUserId, cancellationToken)
            .ConfigureAwait(false);
    }

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
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            cache?.Invalidate(token.Id, token.OwnerId, token.Provider);
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
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            updated = true;
            cache?.Invalidate(token.Id, token.OwnerId, token.Provider);
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

        // One statement, atomic on every engine: UPDATE ... WHERE Id = @id AND ConcurrencyToken = @read
        // AND (RefreshLeaseExpiresAt IS NULL OR RefreshLeaseExpiresAt <= @now). Of several instances racing with the same
        // read, exactly one matches; the others see zero rows and re-read.
        var id = token.Id;
        var readConcurrencyToken = token.ConcurrencyToken;
        var newConcurrencyToken = NewConcurrencyToken();
        var claimed = await Tokens
            .Where(row => row.Id == id
                && row.ConcurrencyToken == readConcurrencyToken
                && (row.RefreshLeaseExpiresAt == null || row.RefreshLeaseExpiresAt <= now))
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(row => row.RefreshLeaseOwner, leaseOwner)
                    .SetProperty(row => row.RefreshLeaseExpiresAt, leaseExpiresAt)
                    .SetProperty(row => row.ConcurrencyToken, newConcurrencyToken),
                cancellationToken)
            .ConfigureAwait(false) == 1;

        if (claimed)
        {
            token.RefreshLeaseOwner = leaseOwner;
            token.RefreshLeaseExpiresAt = leaseExpiresAt;
            token.ConcurrencyToken = newConcurrencyToken;
        }

        return claimed;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ReleaseRefreshAsync(Guid id, string leaseOwner, DateTimeOffset? abandonedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseOwner);

        var newConcurrencyToken = NewConcurrencyToken();
        var holder = Tokens.Where(row => row.Id == id && row.RefreshLeaseOwner == leaseOwner);
        var released = abandonedAt is { } at
            ? await holder.ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(row => row.RefreshLeaseExpiresAt, at)
                    .SetProperty(row => row.ConcurrencyToken, newConcurrencyToken),
                cancellationToken).ConfigureAwait(false)
            : await holder.ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(row => row.RefreshLeaseOwner, (string?)null)
                    .SetProperty(row => row.RefreshLeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(row => row.ConcurrencyToken, newConcurrencyToken),
                cancellationToken).ConfigureAwait(false);
        return released == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryMarkExpiryNoticeAsync(Guid id, DateTimeOffset grantEnd, CancellationToken cancellationToken)
    {
        // One statement: UPDATE ... WHERE Id = @id AND (ExpiryNoticeSentFor IS NULL OR ExpiryNoticeSentFor <> @end). The new
        // concurrency token makes a writer holding an older read re-read instead of writing the old value back.
        var newConcurrencyToken = NewConcurrencyToken();
        return await Tokens
            .Where(row => row.Id == id && (row.ExpiryNoticeSentFor == null || row.ExpiryNoticeSentFor != grantEnd))
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(row => row.ExpiryNoticeSentFor, (DateTimeOffset?)grantEnd)
                    .SetProperty(row => row.ConcurrencyToken, newConcurrencyToken),
                cancellationToken)
            .ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        // The cache is keyed by owner and provider too, which the id alone does not give: one more read, only with the cache on.
        var owner = cache?.Enabled == true
            ? await Tokens.AsNoTracking().Where(token => token.Id == id)
                .Select(token => new { token.OwnerId, token.Provider })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var deleted = await Tokens
            .Where(token => token.Id == id)
            .ExecuteDeleteAsync(cancellationToken)
            .ConfigureAwait(false) > 0;
        if (owner is not null)
        {
            cache!.Invalidate(id, owner.OwnerId, owner.Provider);
        }

        return deleted;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<OAuthToken>> ListExpiringAsync(string ownerId, DateTimeOffset before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);

        // Without a refresh token the access token's expiry ends the connection; with one, the refresh token's expiry does.
        return await Tokens.AsNoTracking()
            .Where(token => token.OwnerId == ownerId && token.Status == OAuthConnectionStatus.Active)
            .Where(token => (token.EncryptedRefreshToken == null && token.AccessTokenExpiresAt < before)
                || token.RefreshTokenExpiresAt < before)
            .OrderBy(token => token.EncryptedRefreshToken == null && token.AccessTokenExpiresAt < before
                ? token.AccessTokenExpiresAt
                : token.RefreshTokenExpiresAt)
            .ThenBy(token => token.Id)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<OAuthToken> StreamForSweepAsync(TokenSweepQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var due = query.AccessTokenExpiresBefore;
        var idle = query.IdleSince ?? DateTimeOffset.MinValue;
        var hasIdle = query.IdleSince is not null;
        var ends = query.GrantEndsBefore ?? DateTimeOffset.MinValue;
        var hasEnds = query.GrantEndsBefore is not null;
        var candidates = Tokens.AsNoTracking()
            .Where(token => token.Status == OAuthConnectionStatus.Active)
            .Where(token => token.AccessTokenExpiresAt <= due
                || (hasIdle && token.LastRefreshedAt != null && token.LastRefreshedAt <= idle)
                || (hasIdle && token.LastRefreshedAt == null && token.AuthorizedAt <= idle)
                || (hasEnds && token.RefreshTokenExpiresAt <= ends)
                || (hasEnds && token.EncryptedRefreshToken == null && token.AccessTokenExpiresAt <= ends));

        // Keyset pages over (expiry, id): each page is a short query, so writes between pages never wait on a reader.
        DateTimeOffset? lastExpiry = null;
        Guid lastId = default;
        while (true)
        {
            var page = candidates.Where(token => token.AccessTokenExpiresAt != null);
            if (lastExpiry is { } after)
            {
                var afterId = lastId;
                page = page.Where(token => token.AccessTokenExpiresAt > after || (token.AccessTokenExpiresAt == after && token.Id.CompareTo(afterId) > 0));
            }

            var rows = await page.OrderBy(token => token.AccessTokenExpiresAt).ThenBy(token => token.Id)
                .Take(query.PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < query.PageSize)
            {
                break;
            }

            lastExpiry = rows[^1].AccessTokenExpiresAt;
            lastId = rows[^1].Id;
        }

        // Then the connections whose access token has no known expiry (only the keep-alive and notice bounds match them).
        Guid? lastNullId = null;
        while (true)
        {
            var page = candidates.Where(token => token.AccessTokenExpiresAt == null);
            if (lastNullId is { } afterId)
            {
                page = page.Where(token => token.Id.CompareTo(afterId) > 0);
            }

            var rows = await page.OrderBy(token => token.Id).Take(query.PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < query.PageSize)
            {
                break;
            }

            lastNullId = rows[^1].Id;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ProviderConnectionCounts>> CountByProviderAsync(CancellationToken cancellationToken)
        => await Tokens.AsNoTracking()
            .GroupBy(token => token.Provider)
            .Select(group => new ProviderConnectionCounts(
                group.Key,
                group.Count(),
                group.Count(token => token.Status == OAuthConnectionStatus.ReauthRequired)))
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

    private static string NewConcurrencyToken() => Guid.NewGuid().ToString("N");

    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint
            && sqlite.SqliteExtendedErrorCode == SqliteConstraintUnique,
        DbException other => other.SqlState == PostgreSqlUniqueViolation,
        _ => false,
    };

    private void EnsureDatesComparable()
    {
        if (!context.Database.IsSqlite())
        {
            return;
        }

        var updatedAt = context.Model.FindEntityType(typeof(OAuthToken))?.FindProperty(nameof(OAuthToken.UpdatedAt));
        if (updatedAt?.GetTypeMapping().Converter?.ProviderClrType != typeof(long))
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name} maps {nameof(OAuthToken)} for SQLite without storing dates as UTC ticks, so SQLite cannot compare or order them. " +
                $"In OnModelCreating, call modelBuilder.UseOAuth2Capture(new OAuth2CaptureModelOptions {{ StoreDatesAsUtcTicks = Database.IsSqlite() }}).");
        }
    }
}

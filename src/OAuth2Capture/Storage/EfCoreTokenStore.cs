using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Storage;

/// <summary>
/// The EF Core <see cref="ITokenStore"/>, over the library's <see cref="OAuth2CaptureDbContext"/> or an app's own context that
/// maps <see cref="OAuthToken"/> (<c>modelBuilder.UseOAuth2Capture()</c>). Reads are not tracked; writes leave nothing tracked.
/// </summary>
/// <typeparam name="TContext">The context that maps <see cref="OAuthToken"/>.</typeparam>
/// <param name="context">The scoped context.</param>
/// <param name="listener">Told about every committed write that changes a connection's tokens, status or existence (the
/// token cache, see <see cref="OAuth2CaptureOptions.TokenCacheDuration"/>); none: nobody is told.</param>
/// <param name="writeGate">Queues this process's writes to one SQLite file (see <see cref="SqliteWriteGate"/>); none: writes go straight on.</param>
/// <remarks>The writes are in <c>EfCoreTokenStore.Writes.cs</c>.</remarks>
internal sealed partial class EfCoreTokenStore<TContext>(TContext context, IConnectionWriteListener? listener = null, SqliteWriteGate? writeGate = null) : ITokenStore, IStoreSchemaProbe
    where TContext : DbContext
{
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
    public async Task ProbeAsync(CancellationToken cancellationToken)
        => _ = await Tokens.AsNoTracking().OrderBy(token => token.Id).Select(token => new { token.Id, token.Status, token.RefreshLeaseExpiresAt })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

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
    public async ValueTask<IReadOnlyList<OAuthToken>> ListExpiringAsync(string ownerId, DateTimeOffset before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);

        // Without a refresh token the access token's expiry ends the connection; with one, the refresh token's expiry does.
        return await Tokens.AsNoTracking()
            .Where(token => token.OwnerId == ownerId && token.Status == ConnectionHealth.Active)
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
            .Where(token => token.Status == ConnectionHealth.Active)
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

            // The key of the next page, taken before the caller sees the rows: they are its to change (the sweep refreshes
            // the very rows it is given, and a refreshed row's expiry moves on).
            var full = rows.Count == query.PageSize;
            if (full)
            {
                lastExpiry = rows[^1].AccessTokenExpiresAt;
                lastId = rows[^1].Id;
            }

            foreach (var row in rows)
            {
                yield return row;
            }

            if (!full)
            {
                break;
            }
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
            var full = rows.Count == query.PageSize;
            if (full)
            {
                lastNullId = rows[^1].Id;
            }

            foreach (var row in rows)
            {
                yield return row;
            }

            if (!full)
            {
                break;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ProviderConnectionCounts>> CountByProviderAsync(CancellationToken cancellationToken)
        => await Tokens.AsNoTracking()
            .GroupBy(token => token.Provider)
            .Select(group => new ProviderConnectionCounts(
                group.Key,
                group.Count(),
                group.Count(token => token.Status == ConnectionHealth.ReauthRequired)))
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

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

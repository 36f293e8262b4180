namespace OAuth2Capture.Storage;

/// <summary>
/// Persists connections. The default implementation is EF Core; replace it to store elsewhere.
/// Token values arrive and leave already encrypted.
/// </summary>
public interface ITokenStore
{
    /// <summary>Finds a connection by id.</summary>
    /// <param name="id">The connection id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The connection, or <see langword="null"/>.</returns>
    ValueTask<OAuthToken?> FindByIdAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Finds the owner's most recently updated connection to a provider.</summary>
    /// <param name="ownerId">The app's user id.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The connection, or <see langword="null"/>.</returns>
    ValueTask<OAuthToken?> FindLatestAsync(string ownerId, string provider, CancellationToken cancellationToken);

    /// <summary>Lists all of the owner's connections, in one query.</summary>
    /// <param name="ownerId">The app's user id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The connections, ordered by provider then most recently updated first.</returns>
    ValueTask<IReadOnlyList<OAuthToken>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>Finds the connection of one provider account, whoever owns it.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="providerUserId">The account id at the provider.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The connection, or <see langword="null"/>.</returns>
    ValueTask<OAuthToken?> FindByProviderAccountAsync(string provider, string providerUserId, CancellationToken cancellationToken);

    /// <summary>Adds a new connection.</summary>
    /// <param name="token">The connection.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when stored.</returns>
    /// <exception cref="ConnectionConflictException">The provider account is already connected (possibly by another user).</exception>
    ValueTask CreateAsync(OAuthToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Updates a connection if nobody changed it since it was read (its <see cref="OAuthToken.ConcurrencyToken"/> still matches),
    /// then gives it a new concurrency token. Every column is written as given, the refresh lease included: a refresher that
    /// stores its outcome with <see cref="OAuthToken.RefreshLeaseOwner"/> and <see cref="OAuthToken.RefreshLeaseExpiresAt"/>
    /// cleared releases its lease in the same write.
    /// </summary>
    /// <param name="token">The connection, as read and then modified.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when updated; <see langword="false"/> when another writer won (re-read and decide again).</returns>
    ValueTask<bool> TryUpdateAsync(OAuthToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the right to refresh a connection, across every app instance sharing the database, with one conditional update:
    /// it succeeds only if the row still carries the <see cref="OAuthToken.ConcurrencyToken"/> of <paramref name="token"/>
    /// (nobody changed it since it was read) and no lease is held (<see cref="OAuthToken.RefreshLeaseExpiresAt"/> is empty or
    /// not later than <paramref name="now"/>). On success the row and <paramref name="token"/> carry the lease and a new
    /// concurrency token; the holder ends the lease by storing its outcome through <see cref="TryUpdateAsync"/> with the lease
    /// columns cleared, or through <see cref="ReleaseRefreshAsync"/>.
    /// </summary>
    /// <param name="token">The connection as read; updated in place when the claim succeeds.</param>
    /// <param name="leaseOwner">Who claims: unique per claim, at most 100 characters.</param>
    /// <param name="now">The claimer's current time, to tell an expired lease from a live one.</param>
    /// <param name="leaseExpiresAt">When the lease ends if it is never released.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// <see langword="true"/> when this caller holds the lease; <see langword="false"/> when another instance holds it or the
    /// row changed (re-read: another instance may have refreshed it already).
    /// </returns>
    ValueTask<bool> TryClaimRefreshAsync(OAuthToken token, string leaseOwner, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the refresh leases of several connections for one owner, with the condition of
    /// <see cref="TryClaimRefreshAsync"/> for each (the row still carries the <see cref="OAuthToken.ConcurrencyToken"/> it was
    /// read with, and no lease is held). The background refresher claims a batch of due rows this way, so that a sweep costs
    /// one claim per batch instead of one per row. Each claimed token carries the lease and its new concurrency token in place,
    /// as after <see cref="TryClaimRefreshAsync"/>; the others are left as read.
    /// </summary>
    /// <remarks>
    /// The default implementation calls <see cref="TryClaimRefreshAsync"/> for each token in turn, so a store written before
    /// this method existed claims correctly, one statement per row. The EF Core store claims the whole batch with one
    /// conditional <c>UPDATE</c>.
    /// </remarks>
    /// <param name="tokens">The connections as read; the claimed ones are updated in place.</param>
    /// <param name="leaseOwner">Who claims (one owner for the batch): unique per claim, at most 100 characters.</param>
    /// <param name="now">The claimer's current time, to tell an expired lease from a live one.</param>
    /// <param name="leaseExpiresAt">When the leases end if they are never released.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The tokens this caller now holds the lease of, in the order given; the others were leased elsewhere or changed
    /// since they were read.</returns>
    async ValueTask<IReadOnlyList<OAuthToken>> TryClaimRefreshesAsync(IReadOnlyList<OAuthToken> tokens, string leaseOwner, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var claimed = new List<OAuthToken>(tokens.Count);
        foreach (var token in tokens)
        {
            if (await TryClaimRefreshAsync(token, leaseOwner, now, leaseExpiresAt, cancellationToken).ConfigureAwait(false))
            {
                claimed.Add(token);
            }
        }

        return claimed;
    }

    /// <summary>
    /// Ends a refresh lease held by <paramref name="leaseOwner"/> without storing an outcome (the refresh failed before it had
    /// one), and gives the row a new concurrency token. Does nothing when someone else holds the lease now.
    /// </summary>
    /// <param name="id">The connection id.</param>
    /// <param name="leaseOwner">The owner given to <see cref="TryClaimRefreshAsync"/>.</param>
    /// <param name="abandonedAt">
    /// <see langword="null"/> to clear the lease: the provider was not called. Otherwise the refresh was interrupted after it
    /// may have reached the provider: the lease ends at this time (others may claim at once) but the owner stays recorded, so
    /// the next refresher knows a rotated refresh token may have been lost.
    /// </param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the lease was ended.</returns>
    ValueTask<bool> ReleaseRefreshAsync(Guid id, string leaseOwner, DateTimeOffset? abandonedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the right to announce that a connection's grant ends at <paramref name="grantEnd"/> (the background refresher's
    /// <see cref="Reauth.ReauthNotificationKind.ExpiringWithoutRefresh"/> notice), with one conditional update: it succeeds only
    /// if <see cref="OAuthToken.ExpiryNoticeSentFor"/> is empty or holds another grant end, then sets it to
    /// <paramref name="grantEnd"/> and gives the row a new concurrency token. Of any number of instances (and restarts) trying
    /// for the same grant end exactly one succeeds, and only that one notifies.
    /// </summary>
    /// <param name="id">The connection id.</param>
    /// <param name="grantEnd">The grant end to announce, as read from the row.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when this caller must send the notice; <see langword="false"/> when it was already sent
    /// for this grant end (or the connection is gone).</returns>
    ValueTask<bool> TryMarkExpiryNoticeAsync(Guid id, DateTimeOffset grantEnd, CancellationToken cancellationToken);

    /// <summary>Deletes a connection.</summary>
    /// <param name="id">The connection id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when a row was deleted.</returns>
    ValueTask<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Lists the owner's active connections whose access token (when no refresh token) or refresh token expires before
    /// <paramref name="before"/>: the candidates from which the token service picks the grants that end soon (which of the
    /// two dates ends a grant also depends on the provider, which the store does not know).
    /// </summary>
    /// <param name="ownerId">The app's user id.</param>
    /// <param name="before">The end of the window.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The connections, soonest first.</returns>
    ValueTask<IReadOnlyList<OAuthToken>> ListExpiringAsync(string ownerId, DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the active connections the background refresher must look at (see <see cref="TokenSweepQuery"/>), soonest
    /// access-token expiry first (connections without one last), reading <see cref="TokenSweepQuery.PageSize"/> rows per
    /// round trip so that no more than one page is ever held, and no reader stays open between pages.
    /// </summary>
    /// <param name="query">The bounds.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The connections, untracked.</returns>
    IAsyncEnumerable<OAuthToken> StreamForSweepAsync(TokenSweepQuery query, CancellationToken cancellationToken);

    /// <summary>Counts connections per provider, and those needing re-auth, in one query (health check and metrics).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One entry per provider that has connections.</returns>
    ValueTask<IReadOnlyList<ProviderConnectionCounts>> CountByProviderAsync(CancellationToken cancellationToken);
}

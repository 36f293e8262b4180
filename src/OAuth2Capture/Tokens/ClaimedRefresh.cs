using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// A row whose refresh lease a batch claim already holds (<see cref="RefreshLease.ClaimBatchAsync"/>, the background sweep's),
/// handed to the refresher through <see cref="RefreshAhead.Claim"/> so that it neither re-reads the row nor claims it again:
/// the claim succeeded only because the row still carried the concurrency token it was read with, so <see cref="Row"/> is
/// what the store holds, plus the lease. Exactly one refresher takes the lease over for its provider call; a lease nobody
/// took over is released by whoever handed it out (<see cref="RefreshLease.ReleaseUntakenAsync"/>).
/// </summary>
/// <param name="row">The row as read, carrying the lease and its new concurrency token.</param>
/// <param name="owner">The batch's lease owner.</param>
/// <param name="interruptedHolder">The owner left on the expired lease this claim replaced (a refresh that never recorded its
/// outcome), or <see langword="null"/>.</param>
internal sealed class ClaimedRefresh(OAuthToken row, string owner, string? interruptedHolder)
{
    private int takenOver;

    public OAuthToken Row { get; } = row;

    public string Owner { get; } = owner;

    public string? InterruptedHolder { get; } = interruptedHolder;

    /// <summary>Gets whether a refresher took the lease over (then that refresher ends it, whatever happens).</summary>
    public bool TakenOver => Volatile.Read(ref takenOver) == 1;

    /// <summary>Takes the lease over for a provider call: only once, and only while <paramref name="current"/> is the claimed row.</summary>
    /// <param name="current">The row the refresher is about to refresh.</param>
    /// <param name="now">The refresher's current time.</param>
    public bool TryTakeOver(OAuthToken current, DateTimeOffset now)
        => ReferenceEquals(current, Row) && current.RefreshLeaseOwner == Owner && RefreshLease.IsHeld(current, now)
            && Interlocked.Exchange(ref takenOver, 1) == 0;
}

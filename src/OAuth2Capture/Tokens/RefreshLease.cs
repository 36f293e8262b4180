using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// The refresh lease: one refresh per connection across every instance sharing the store.
/// </summary>
/// <remarks>
/// Before calling the token endpoint, a refresher claims the row with one conditional update
/// (<see cref="ITokenStore.TryClaimRefreshAsync"/>: same concurrency token as read, no live lease). Of several instances
/// racing on the same row exactly one wins; the others wait until the winner's result is there (a valid token, or a re-auth
/// verdict), for at most <see cref="OAuth2CaptureOptions.RefreshLeaseDuration"/>: woken by the store's change feed when it
/// has one (PostgreSQL), else polling the row with growing delays. A lease whose
/// holder crashed or stopped expires after that duration and the next waiter claims it. The winner stores its outcome and
/// clears the lease in the same write (<see cref="ITokenStore.TryUpdateAsync"/>).
/// </remarks>
internal sealed class RefreshLease(ITokenStore store, ILogger<TokenRefresher> logger)
{
    private const int MaxMachineNameLength = 40;

    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>With a live change feed the holder's write wakes the waiter; the poll only covers a lost notification.</summary>
    private static readonly TimeSpan FeedFallbackPollDelay = TimeSpan.FromSeconds(1);

    public static bool IsHeld(OAuthToken row, DateTimeOffset now)
        => row.RefreshLeaseExpiresAt is { } until && until > now;

    /// <summary>When a lease claimed now ends if it is never released.</summary>
    public static DateTimeOffset EndsAt(DateTimeOffset now, OAuth2CaptureOptions options) => now + options.RefreshLeaseDuration;

    /// <summary>
    /// Whether the lease on <paramref name="row"/> still outlasts the longest provider call
    /// (<see cref="OAuth2CaptureResilienceOptions.TotalTimeout"/>), the condition for starting one under it: a lease that ends
    /// while its holder still waits for the provider lets a second refresher spend the same refresh token. A claim made the
    /// moment before the call always does (<see cref="OAuth2CaptureOptions.RefreshLeaseDuration"/> must exceed the timeout);
    /// a batch claim's rows are checked when their turn comes.
    /// </summary>
    public static bool OutlastsCall(OAuthToken row, DateTimeOffset now, OAuth2CaptureOptions options)
        => row.RefreshLeaseExpiresAt is { } until && until - now > (options.Resilience?.TotalTimeout ?? TimeSpan.Zero);

    public static void Clear(OAuthToken row)
    {
        row.RefreshLeaseOwner = null;
        row.RefreshLeaseExpiresAt = null;
    }

    /// <summary>A name unique per claim that still tells an operator which machine and process held it.</summary>
    public static string NewOwner()
    {
        var machine = Environment.MachineName;
        if (machine.Length > MaxMachineNameLength)
        {
            machine = machine[..MaxMachineNameLength];
        }

        return $"{machine}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    }

    /// <summary>
    /// Another refresher holds a live lease and the caller (the background sweep) does not wait for it: the result says so
    /// (<see cref="TokenResult.HeldElsewhere"/>); the holder stores the outcome.
    /// </summary>
    public static TokenResult HeldElsewhere(OAuthProvider provider, OAuthToken row, DateTimeOffset now)
    {
        var retryAfter = row.RefreshLeaseExpiresAt is { } until && until > now ? until - now : (TimeSpan?)null;
        return TokenResult.RefreshHeldElsewhere(provider.Name, row.Id, retryAfter,
            $"Another refresher holds the {provider.DisplayName} refresh lease of this connection and stores its outcome.");
    }

    /// <summary>Ends our lease without failing the caller: the lease expires on its own if this write fails too.</summary>
    public async Task ReleaseQuietlyAsync(Guid connectionId, string leaseOwner, DateTimeOffset? abandonedAt)
    {
        try
        {
            // Not the flight's token: at shutdown, leaving a clean trail matters more than stopping at once.
            _ = await store.ReleaseRefreshAsync(connectionId, leaseOwner, abandonedAt, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The original failure is what the caller must see; the lease expires anyway.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            RefreshLog.LeaseReleaseFailed(logger, connectionId, exception);
        }
    }

    public Task ReleaseIfHeldAsync(Guid connectionId, string? leaseOwner)
        => leaseOwner is null ? Task.CompletedTask : ReleaseQuietlyAsync(connectionId, leaseOwner, abandonedAt: null);

    /// <summary>
    /// Claims the leases of several rows with one store call (<see cref="ITokenStore.TryClaimRefreshesAsync"/>), for one new
    /// owner and until <see cref="EndsAt"/>, remembering for each row the owner left on an expired lease it replaces (an
    /// interrupted refresh, as <see cref="TokenRefresher"/> notes for a claim of its own).
    /// </summary>
    /// <param name="rows">The rows as read.</param>
    /// <param name="now">The current time.</param>
    /// <param name="options">The lease duration's options.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The rows now leased to this caller, in order.</returns>
    public async Task<IReadOnlyList<ClaimedRefresh>> ClaimBatchAsync(IReadOnlyList<OAuthToken> rows, DateTimeOffset now, OAuth2CaptureOptions options, CancellationToken cancellationToken)
    {
        var previousOwners = rows.ToDictionary(row => row.Id, row => row.RefreshLeaseOwner);
        var owner = NewOwner();
        var claimed = await store.TryClaimRefreshesAsync(rows, owner, now, EndsAt(now, options), cancellationToken).ConfigureAwait(false);
        var claims = new List<ClaimedRefresh>(claimed.Count);
        foreach (var row in claimed)
        {
            // An owner left on an expired lease means the previous refresh never recorded its outcome.
            var interruptedHolder = previousOwners[row.Id];
            if (interruptedHolder is not null)
            {
                RefreshLog.LeaseTakenOver(logger, row.Provider, row.Id, interruptedHolder);
            }

            claims.Add(new ClaimedRefresh(row, owner, interruptedHolder));
        }

        return claims;
    }

    /// <summary>Releases a batch-claimed lease that no refresher took over (the row was answered without the provider, its
    /// turn came too late, or the sweep stopped first). Not for a lease taken over (<see cref="ClaimedRefresh.TakenOver"/>):
    /// that one is the refresher's to end, and the caller, which knows, does not build this service for it.</summary>
    public Task ReleaseUntakenAsync(ClaimedRefresh claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return ReleaseQuietlyAsync(claim.Row.Id, claim.Owner, abandonedAt: null);
    }

    /// <summary>
    /// How long a refresher waits for another instance's lease: bounded by the lease duration, polling ever slower, or, while
    /// the store's change feed is live (it wakes the waiter when the holder stores its outcome), once a second.
    /// </summary>
    /// <param name="leaseDuration">The longest a lease lasts.</param>
    public struct Wait(TimeSpan leaseDuration)
    {
        private DateTimeOffset? _until;
        private TimeSpan _delay = FirstPollDelay;

        /// <summary>Starts the clock at the first wait; later calls keep the first deadline.</summary>
        public void Start(DateTimeOffset now) => _until ??= now + leaseDuration;

        public readonly bool IsOver(DateTimeOffset now) => _until is { } until && now >= until;

        public TimeSpan NextDelay(DateTimeOffset now, bool feedIsLive)
        {
            var delay = feedIsLive ? FeedFallbackPollDelay : _delay;
            _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, MaxPollDelay.Ticks));
            var left = (_until ?? now) - now;
            return left < delay ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : delay;
        }
    }
}

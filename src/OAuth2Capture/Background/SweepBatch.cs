using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Background;

/// <summary>A due row the sweep will refresh, with the lease its batch claimed for it, if any.</summary>
/// <param name="Provider">The row's provider.</param>
/// <param name="Row">The row as the sweep read it (as claimed, when <see cref="Claim"/> is set).</param>
/// <param name="Ahead">Why it is due.</param>
/// <param name="LagFrom">When it became due, for the sweep's lag metric (first row only).</param>
internal sealed record SweepItem(OAuthProvider Provider, OAuthToken Row, RefreshAhead Ahead, DateTimeOffset? LagFrom)
{
    /// <summary>Gets the lease the batch claim holds on the row; <see langword="null"/>: the refresher claims it alone.</summary>
    public ClaimedRefresh? Claim { get; init; }
}

/// <summary>
/// The due rows the sweep collects until a batch is full, then claims with one store call (<see cref="RefreshLease.ClaimBatchAsync"/>).
/// Lives in the sweep's streaming scope, whose store reads the pages: the claim runs between two rows of the stream, never
/// beside a page read.
/// </summary>
/// <param name="services">The sweep's streaming scope.</param>
/// <param name="size">The rows per claim.</param>
internal sealed class SweepBatch(IServiceProvider services, int size)
{
    private readonly List<SweepItem> items = new(size);
    private readonly RefreshLease lease = services.GetRequiredService<RefreshLease>();
    private readonly TokenSecrets secrets = services.GetRequiredService<TokenSecrets>();

    /// <summary>Adds a row; <see langword="true"/> when the batch is full.</summary>
    public bool Add(SweepItem item)
    {
        items.Add(item);
        return items.Count >= size;
    }

    /// <summary>
    /// Claims the leases of the rows this instance would send to the provider now (no live lease on them, no refresh of
    /// them running here, their secrets not known unreadable here), and empties the batch. The others, and the rows the
    /// claim did not get, come back without a claim: the refresher reads and decides them one by one, as before batch claims
    /// (answering a leased or running one at once, without a write).
    /// </summary>
    /// <param name="flights">This instance's refreshes in flight.</param>
    /// <param name="now">The current time.</param>
    /// <param name="options">The lease options.</param>
    /// <param name="cancellationToken">Stops the sweep: checked once the claim is made (its leases are then released).</param>
    /// <returns>Every row of the batch, in order, the claimed ones with their claim.</returns>
    public async Task<IReadOnlyList<SweepItem>> ClaimAsync(RefreshFlights flights, DateTimeOffset now, OAuth2CaptureOptions options, CancellationToken cancellationToken)
    {
        var taken = items.ToList();
        items.Clear();
        var claimable = taken
            .Where(item => !RefreshLease.IsHeld(item.Row, now) && !flights.IsRunning(item.Row.Id) && !UnreadableSecretsAnswer.IsKnownUnreadable(item.Row, secrets))
            .Select(item => item.Row)
            .ToList();
        if (claimable.Count == 0)
        {
            return taken;
        }

        // Not cancelled halfway: a claim committed but never heard of would leave its leases until they expire.
        var claims = (await lease.ClaimBatchAsync(claimable, now, options, CancellationToken.None).ConfigureAwait(false)).ToDictionary(claim => claim.Row.Id);
        var claimed = claims.Count == 0 ? taken : [.. taken.Select(item => claims.TryGetValue(item.Row.Id, out var claim) ? item with { Claim = claim } : item)];
        if (cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync(claimed).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return claimed;
    }

    /// <summary>Releases the claims of rows whose refresh never started (the sweep stopped first).</summary>
    /// <param name="unstarted">The rows.</param>
    /// <returns>A task that completes when every lease was released (or its release failed and it expires).</returns>
    public async Task ReleaseAsync(IEnumerable<SweepItem> unstarted)
    {
        foreach (var item in unstarted)
        {
            if (item.Claim is { } claim)
            {
                await lease.ReleaseUntakenAsync(claim).ConfigureAwait(false);
            }
        }
    }
}

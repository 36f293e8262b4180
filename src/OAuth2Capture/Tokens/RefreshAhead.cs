using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// When a connection is to be renewed even though a user request would not yet: for the background refresher, its access
/// token expires within <paramref name="Window"/>, or it has been idle for <paramref name="KeepAliveAfter"/>; after a
/// provider's API rejected its access token (<see cref="AfterRejection"/>), it still holds that token. Evaluated on the
/// row the refresher re-reads inside the single flight, so a connection another caller or instance has just renewed is
/// no longer due and is not refreshed twice.
/// </summary>
/// <param name="Window">How long before expiry to renew.</param>
/// <param name="KeepAliveAfter">The idle age after which to renew anyway, or <see langword="null"/>.</param>
internal sealed record RefreshAhead(TimeSpan Window, TimeSpan? KeepAliveAfter)
{
    /// <summary>
    /// Gets whether to wait for another refresher's live lease, as user requests do. The sweep does not (the default): the
    /// holder, on this instance or another, stores the outcome, and waiting would only hold a sweep slot. The refresher then
    /// answers at once with <see cref="TokenResult.HeldElsewhere"/>, and the sweep counts the row as claimed elsewhere.
    /// </summary>
    public bool WaitForHeldLease { get; init; }

    /// <summary>Gets the lease the sweep's batch claim already holds on the row, which the refresher then uses as it stands (no
    /// re-read, no claim of its own); <see langword="null"/>: the refresher reads the row and claims it itself.</summary>
    public ClaimedRefresh? Claim { get; init; }

    /// <summary>Gets what the refresher calls when the provider has answered, before it stores the outcome (the sweep then frees
    /// the provider call's place: <see cref="Background.SweepSlot"/>); it must neither block nor throw.</summary>
    public Action? ProviderAnswered { get; init; }

    /// <summary>Gets the stored (encrypted) access token an API rejected: a row still holding it is due.</summary>
    public string? RejectedAccessToken { get; init; }

    /// <summary>Renew a connection whose access token <paramref name="encryptedAccessToken"/> the provider's API rejected, waiting like a user request.</summary>
    public static RefreshAhead AfterRejection(string encryptedAccessToken)
        => new(TimeSpan.Zero, KeepAliveAfter: null) { WaitForHeldLease = true, RejectedAccessToken = encryptedAccessToken };

    public bool IsDue(OAuthToken row, DateTimeOffset now)
        => IsDueForExpiry(row, now) || IsDueForKeepAlive(row, now) || (RejectedAccessToken is not null && row.EncryptedAccessToken == RejectedAccessToken);

    public bool IsDueForExpiry(OAuthToken row, DateTimeOffset now)
        => ConnectionRules.IsRefreshDue(row, now, Window);

    public bool IsDueForKeepAlive(OAuthToken row, DateTimeOffset now)
        => KeepAliveAfter is { } age && (row.LastRefreshedAt ?? row.AuthorizedAt) + age <= now;

    /// <summary>When the connection became due: the refresh window's start, else the end of its idle age.</summary>
    public DateTimeOffset? DueAt(OAuthToken row)
        => row.AccessTokenExpiresAt is { } expiresAt ? expiresAt - Window
            : KeepAliveAfter is { } age ? (row.LastRefreshedAt ?? row.AuthorizedAt) + age : null;
}

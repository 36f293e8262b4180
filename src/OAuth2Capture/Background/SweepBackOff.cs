using OAuth2Capture.Storage;

namespace OAuth2Capture.Background;

/// <summary>
/// Whether a due connection is left alone this time: its refresh lease is held (by another instance, or a user request),
/// it is cooling down after failures, or the sweep has given up on it. Decided from the row alone, so every instance
/// and every restart agrees.
/// </summary>
internal static class SweepBackOff
{
    /// <summary>Gets the <see cref="SweepTally"/> action that skips the row, or <see langword="null"/> to refresh it.</summary>
    /// <param name="row">The row as the sweep read it.</param>
    /// <param name="settings">The background settings.</param>
    /// <param name="now">The current time.</param>
    /// <param name="failingFor">How long it has been failing, when the answer is <see cref="SweepTally.GivenUp"/>.</param>
    public static string? SkipAction(OAuthToken row, OAuth2CaptureBackgroundRefreshOptions settings, DateTimeOffset now, out TimeSpan failingFor)
    {
        failingFor = TimeSpan.Zero;
        if (row.RefreshLeaseExpiresAt is { } leasedUntil && leasedUntil > now)
        {
            return SweepTally.ClaimedElsewhere;
        }

        if (row.LastErrorAt is not { } failedAt)
        {
            // Any success (a user request, a reconnect, another instance) clears LastErrorAt and the failure count.
            return null;
        }

        failingFor = failedAt - (row.FailingSince ?? failedAt);
        if (failingFor >= settings.GiveUpAfter)
        {
            return SweepTally.GivenUp;
        }

        // CoolDown after the first failure, doubling with each further one, at most MaxCoolDown; measured from the stored
        // LastErrorAt, so a failure on another instance (or before a restart) cools this one down too.
        var failures = Math.Clamp(row.ConsecutiveFailures, 1, 31);
        var coolDown = TimeSpan.FromTicks((long)Math.Min(settings.CoolDown.Ticks * Math.Pow(2, failures - 1), settings.MaxCoolDown.Ticks));
        return now < failedAt + coolDown ? SweepTally.CoolingDown : null;
    }
}

using OAuth2Capture.Diagnostics;
using OAuth2Capture.Providers;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Background;

/// <summary>
/// What one sweep did, counted as it goes (its refreshes finish on other threads), each action also recorded on the
/// <c>oauth2capture.background.connections</c> metric.
/// </summary>
internal sealed class SweepTally
{
    public const string Refreshed = "refreshed";
    public const string ReauthRequired = "reauth_required";
    public const string StillValid = "valid";
    public const string Failed = "failed";
    public const string ClaimedElsewhere = "claimed_elsewhere";
    public const string CoolingDown = "cooling_down";
    public const string GivenUp = "given_up";

    private int seen;
    private int refreshed;
    private int failed;
    private int reauthRequired;
    private int skipped;

    /// <summary>The sweep's word for what a refresh came to.</summary>
    public static string ActionFor(TokenResult result) => result.HeldElsewhere
        // Another refresher (another instance's sweep, a user request) holds the lease, or won the claim: it stores the outcome.
        ? ClaimedElsewhere
        : result.Status switch
        {
            TokenStatus.Refreshed => Refreshed,
            TokenStatus.ReauthRequired or TokenStatus.NotConnected => ReauthRequired,

            // Renewed by someone else meanwhile, or renewal failed while the current token still works (LastErrorAt says).
            TokenStatus.Valid => StillValid,
            TokenStatus.TemporarilyUnavailable or TokenStatus.ConfigurationError => Failed,
        };

    public void Saw() => Interlocked.Increment(ref seen);

    /// <summary>A refresh that threw: counted as failed, not as an action.</summary>
    public void Crashed() => Interlocked.Increment(ref failed);

    public void Count(OAuthProvider provider, string action)
    {
        switch (action)
        {
            case Refreshed:
                Interlocked.Increment(ref refreshed);
                break;
            case ReauthRequired:
                Interlocked.Increment(ref reauthRequired);
                break;
            case Failed:
                Interlocked.Increment(ref failed);
                break;
            case ClaimedElsewhere or CoolingDown or GivenUp:
                Interlocked.Increment(ref skipped);
                break;
        }

        OAuth2CaptureInstruments.SweepConnections.Add(1, new("provider", provider.Name), new("action", action));
    }

    public BackgroundSweepResult ToResult(TimeSpan elapsed)
        => new(Volatile.Read(ref seen), Volatile.Read(ref refreshed), Volatile.Read(ref failed), Volatile.Read(ref reauthRequired), Volatile.Read(ref skipped), elapsed);
}

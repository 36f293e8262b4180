namespace OAuth2Capture.Background;

/// <summary>
/// Settings of the background refresher, which renews access tokens before users need them, keeps idle grants alive and
/// tells the app about connections that are about to die. Bound from <c>OAuth2Capture:BackgroundRefresh</c>; off until
/// <see cref="Enabled"/> is set (or <c>AddBackgroundRefresh()</c> is called on the builder).
/// </summary>
public sealed class OAuth2CaptureBackgroundRefreshOptions
{
    /// <summary>Gets or sets whether the refresher runs.
    /// <value>Default: <see langword="false"/>. Key: <c>OAuth2Capture:BackgroundRefresh:Enabled</c>.</value></summary>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the time between two sweeps (the first runs at start-up).
    /// <value>Default: 1 minute. Key: <c>OAuth2Capture:BackgroundRefresh:Interval</c>.</value></summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long before its expiry an access token is renewed by the sweep. Keep it shorter than the
    /// shortest access-token lifetime, or every sweep renews those tokens again.
    /// <value>Default: 10 minutes. Key: <c>OAuth2Capture:BackgroundRefresh:Window</c>.</value></summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the age (since the last refresh, else the last authorization) after which an idle connection is
    /// refreshed anyway, for providers that revoke refresh tokens nobody used (Google: 6 months). <see langword="null"/>: off.
    /// <value>Default: <see langword="null"/>. Key: <c>OAuth2Capture:BackgroundRefresh:KeepAliveAfter</c>.</value></summary>
    public TimeSpan? KeepAliveAfter { get; set; }

    /// <summary>Gets the per-provider keep-alive ages, which win over <see cref="KeepAliveAfter"/> (case-insensitive names).
    /// <value>Default: empty. Key: <c>OAuth2Capture:BackgroundRefresh:KeepAliveAfterByProvider:{provider}</c>.</value></summary>
    public IDictionary<string, TimeSpan> KeepAliveAfterByProvider { get; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how many refreshes one instance runs at once, across providers.
    /// <value>Default: 4. Key: <c>OAuth2Capture:BackgroundRefresh:MaxConcurrency</c>.</value></summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many refreshes of one provider one instance runs at once.
    /// <value>Default: 2. Key: <c>OAuth2Capture:BackgroundRefresh:MaxConcurrencyPerProvider</c>.</value></summary>
    public int MaxConcurrencyPerProvider { get; set; } = 2;

    /// <summary>Gets or sets the most refreshes per second one instance sends to one provider (a token bucket);
    /// <see langword="null"/>: no limit beyond <see cref="MaxConcurrencyPerProvider"/>.
    /// <value>Default: <see langword="null"/>. Key: <c>OAuth2Capture:BackgroundRefresh:RefreshesPerSecondPerProvider</c>.</value></summary>
    public int? RefreshesPerSecondPerProvider { get; set; }

    /// <summary>Gets or sets the first pause after a failed refresh before the sweep tries that connection again. The pause
    /// doubles with each further failure in a row (<see cref="Storage.OAuthToken.ConsecutiveFailures"/>, stored on the row, so
    /// every instance and restart agrees) up to <see cref="MaxCoolDown"/>.
    /// <value>Default: 5 minutes. Key: <c>OAuth2Capture:BackgroundRefresh:CoolDown</c>.</value></summary>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the longest pause between two attempts on a failing connection.
    /// <value>Default: 6 hours. Key: <c>OAuth2Capture:BackgroundRefresh:MaxCoolDown</c>.</value></summary>
    public TimeSpan MaxCoolDown { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Gets or sets how long a connection may fail transiently (from <see cref="Storage.OAuthToken.FailingSince"/> to
    /// its last failure, both stored on the row) before the sweep stops trying it; a user request or a reconnect that
    /// succeeds makes it eligible again.
    /// <value>Default: 7 days. Key: <c>OAuth2Capture:BackgroundRefresh:GiveUpAfter</c>.</value></summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how far ahead the sweep announces grants that cannot be renewed silently
    /// (<see cref="Reauth.ReauthNotificationKind.ExpiringWithoutRefresh"/>); <see langword="null"/>: <see cref="OAuth2CaptureOptions.ExpiringSoonWindow"/>.
    /// <value>Default: <see langword="null"/> (7 days). Key: <c>OAuth2Capture:BackgroundRefresh:ExpiryNoticeWindow</c>.</value></summary>
    public TimeSpan? ExpiryNoticeWindow { get; set; }

    /// <summary>Gets or sets how many rows one store query of the sweep reads; the sweep never holds more than one page.
    /// <value>Default: 500. Key: <c>OAuth2Capture:BackgroundRefresh:PageSize</c>.</value></summary>
    public int PageSize { get; set; } = 500;

    /// <summary>Gets the keep-alive age of a provider.</summary>
    /// <param name="provider">The provider name.</param>
    /// <returns>The age, or <see langword="null"/> when the provider needs no keep-alive.</returns>
    public TimeSpan? GetKeepAliveAfter(string provider)
        => KeepAliveAfterByProvider.TryGetValue(provider, out var age) ? age : KeepAliveAfter;
}

using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>The connection rules as a table: one row per kind of connection the providers produce, at one moment.</summary>
public sealed class ConnectionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromDays(7);

    public static TheoryData<string, string, double?, bool, double?, ConnectionHealth, bool, double?, ReauthReason, bool> Table => new()
    {
        // case, strategy, access ends in (days), has refresh token, refresh ends in (days), stored status
        //   → can renew, grant ends in (days), reason from the row alone, expires soon
        { "LinkedIn: refresh token ends in 3 days", "standard", 0.04, true, 3, ConnectionHealth.Active, true, 3, ReauthReason.None, true },
        { "LinkedIn: refresh token ended", "standard", 0.04, true, -0.01, ConnectionHealth.Active, true, -0.01, ReauthReason.RefreshTokenExpired, false },
        { "Google: refresh token with no known end", "standard", 0.04, true, null, ConnectionHealth.Active, true, null, ReauthReason.None, false },
        { "Google: its access token long expired, renewable", "standard", -30, true, null, ConnectionHealth.Active, true, null, ReauthReason.None, false },
        { "standard provider that issued no refresh token", "standard", 3, false, null, ConnectionHealth.Active, false, 3, ReauthReason.None, true },
        { "standard provider, no refresh token, expired", "standard", -1, false, null, ConnectionHealth.Active, false, -1, ReauthReason.NoRefreshToken, false },
        { "Facebook: long-lived token ends in 3 days", "facebook", 3, false, null, ConnectionHealth.Active, true, 3, ReauthReason.None, true },
        { "Facebook: long-lived token ends in 30 days", "facebook", 30, false, null, ConnectionHealth.Active, true, 30, ReauthReason.None, false },
        { "Facebook: token expired", "facebook", -0.5, false, null, ConnectionHealth.Active, true, -0.5, ReauthReason.RefreshTokenExpired, false },
        { "GitHub OAuth app: token never expires", "none", null, false, null, ConnectionHealth.Active, false, null, ReauthReason.None, false },
        { "no-refresh provider, token ends in 2 days", "none", 2, false, null, ConnectionHealth.Active, false, 2, ReauthReason.None, true },
        { "marked for re-auth (revoked)", "standard", 0.04, true, 30, ConnectionHealth.ReauthRequired, true, 30, ReauthReason.Revoked, false },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Rules_answer_each_kind_of_connection(
        string @case, string strategyName, double? accessEndsInDays, bool hasRefreshToken, double? refreshEndsInDays, ConnectionHealth status,
        bool canRenew, double? grantEndsInDays, ReauthReason reason, bool expiresSoon)
    {
        var row = Row(accessEndsInDays, hasRefreshToken, refreshEndsInDays, status, status == ConnectionHealth.ReauthRequired ? ReauthReason.Revoked : ReauthReason.None);
        var strategy = Strategy(strategyName);

        Assert.True(canRenew == ConnectionRules.CanRenew(row, strategy), @case);
        Assert.Equal(grantEndsInDays is { } days ? Now.AddDays(days) : null, ConnectionRules.GrantEndsAt(row, strategy));
        Assert.Equal(reason, ConnectionRules.ReauthReasonAt(row, strategy, Now));
        Assert.True(expiresSoon == ConnectionRules.ExpiresSoon(row, strategy, Now, Window), @case);
    }

    [Fact]
    public void A_row_marked_for_reauth_without_a_reason_reads_as_ProviderRejected()
    {
        var row = Row(1, true, null, ConnectionHealth.ReauthRequired, ReauthReason.None);

        Assert.Equal(ReauthReason.ProviderRejected, ConnectionRules.RecordedReason(row));
        Assert.Equal(ReauthReason.ProviderRejected, ConnectionRules.ReauthReasonAt(row, StandardRefreshStrategy.Instance, Now));
    }

    [Theory]
    [InlineData(60, 5, false, false)]      // an hour left: used as is
    [InlineData(5, 5, true, false)]        // inside the skew: refresh now, still not expired
    [InlineData(0, 5, true, true)]         // expired at this instant
    [InlineData(null, 5, false, false)]    // no known expiry: never due
    [InlineData(-10, 0, true, true)]
    public void Refresh_is_due_within_the_skew_and_expiry_is_outright(int? minutesLeft, int skewMinutes, bool due, bool expired)
    {
        var row = Row(minutesLeft is { } left ? left / 1440.0 : null, true, null, ConnectionHealth.Active, ReauthReason.None);
        row.AccessTokenExpiresAt = minutesLeft is { } exact ? Now.AddMinutes(exact) : null;

        Assert.Equal(due, ConnectionRules.IsRefreshDue(row, Now, TimeSpan.FromMinutes(skewMinutes)));
        Assert.Equal(expired, ConnectionRules.IsExpired(row, Now));
        Assert.Equal(!due, ConnectionRules.IsUsableAsIs(row, Now, TimeSpan.FromMinutes(skewMinutes), ahead: null));
    }

    [Fact]
    public void Refresh_ahead_makes_a_token_due_before_the_skew_would_and_keep_alive_makes_an_idle_one_due()
    {
        var row = Row(30 / 1440.0, true, null, ConnectionHealth.Active, ReauthReason.None);
        var skew = TimeSpan.FromMinutes(5);

        Assert.True(ConnectionRules.IsUsableAsIs(row, Now, skew, ahead: null));
        Assert.False(ConnectionRules.IsUsableAsIs(row, Now, skew, new RefreshAhead(TimeSpan.FromHours(1), KeepAliveAfter: null)));
        Assert.True(ConnectionRules.IsUsableAsIs(row, Now, skew, new RefreshAhead(TimeSpan.FromMinutes(1), KeepAliveAfter: TimeSpan.FromDays(1))));
        row.AuthorizedAt = Now.AddDays(-2);
        Assert.False(ConnectionRules.IsUsableAsIs(row, Now, skew, new RefreshAhead(TimeSpan.FromMinutes(1), KeepAliveAfter: TimeSpan.FromDays(1))));
    }

    private static IRefreshStrategy Strategy(string name) => name switch
    {
        "standard" => StandardRefreshStrategy.Instance,
        "facebook" => FacebookExchangeRefreshStrategy.Instance,
        "none" => NoRefreshStrategy.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static OAuthToken Row(double? accessEndsInDays, bool hasRefreshToken, double? refreshEndsInDays, ConnectionHealth status, ReauthReason reason) => new()
    {
        Id = Guid.NewGuid(),
        OwnerId = "user-1",
        Provider = "p",
        ProviderUserId = "account",
        EncryptedAccessToken = "protected-access",
        EncryptedRefreshToken = hasRefreshToken ? "protected-refresh" : null,
        AccessTokenExpiresAt = accessEndsInDays is { } access ? Now.AddDays(access) : null,
        RefreshTokenExpiresAt = refreshEndsInDays is { } refresh ? Now.AddDays(refresh) : null,
        Status = status,
        ReauthReason = reason,
        CreatedAt = Now,
        UpdatedAt = Now,
        AuthorizedAt = Now,
    };
}

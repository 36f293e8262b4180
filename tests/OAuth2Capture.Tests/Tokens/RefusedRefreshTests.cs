using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>
/// A refresh the resilience pipeline refused before sending (an open circuit) sent nothing: it leaves no
/// interrupted-refresh trail, so the provider's later verdict is reported as the provider gave it, not as
/// <see cref="ReauthReason.RotatedRefreshTokenLost"/>. DevProvider over HTTP, one instance, no crash.
/// </summary>
public sealed class RefusedRefreshTests
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromMinutes(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invalid_grant_after_a_refresh_refused_by_the_open_circuit_is_the_providers_verdict_not_RotatedRefreshTokenLost()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await CaptureHarness.StartAsync(dev, options =>
        {
            // Two failed calls open the circuit; the clock (the pipeline's TimeProvider) is moved to close it again.
            options.Resilience.MaxRetryAttempts = 0;
            options.Resilience.CircuitBreakerMinimumThroughput = 2;
            options.Resilience.CircuitBreakerFailureRatio = 0.5;
            options.Resilience.CircuitBreakerBreakDuration = BreakDuration;
        });
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 2);
        Assert.Equal(TokenStatus.TemporarilyUnavailable, (await app.GetAsync("user-1", Ct)).Status);
        Assert.Equal(TokenStatus.TemporarilyUnavailable, (await app.GetAsync("user-1", Ct)).Status);
        var requestsBeforeRefusal = dev.Stats.RefreshRequests;

        var refused = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.TemporarilyUnavailable, refused.Status);
        Assert.Contains("circuit open", refused.ErrorDescription, StringComparison.Ordinal);
        Assert.Equal(requestsBeforeRefusal, dev.Stats.RefreshRequests);
        var afterRefusal = (await app.ReadRowAsync(id))!;
        Assert.Null(afterRefusal.RefreshLeaseOwner);
        Assert.Null(afterRefusal.RefreshLeaseExpiresAt);

        // The user revokes the app at the provider; once the circuit lets calls through, the provider says invalid_grant.
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        app.Clock.Advance(BreakDuration + TimeSpan.FromSeconds(1));
        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.ReauthRequired, result.Status);
        Assert.Equal(ReauthReason.Revoked, result.Reason);
        Assert.Equal(ReauthReason.Revoked, (await app.ReadRowAsync(id))!.ReauthReason);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), record => record.Id.Id == 2009);
    }
}

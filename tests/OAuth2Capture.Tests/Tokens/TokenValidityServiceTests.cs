using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>The service against a real OAuth 2.0 server (DevProvider over HTTP on 127.0.0.1) and a real SQLite file.</summary>
public sealed class TokenValidityServiceTests : IAsyncLifetime
{
    private DevProviderServer dev = null!;
    private CaptureHarness app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await CaptureHarness.StartAsync(dev);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Fact]
    public async Task GetValidToken_with_fresh_token_returns_Valid_without_calling_the_provider()
    {
        var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        var before = dev.Stats.TokenRequests;

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal(tokens.AccessToken, result.AccessToken);
        Assert.Equal(id, result.ConnectionId);
        Assert.Equal(before, dev.Stats.TokenRequests);
    }

    [Fact]
    public async Task GetValidToken_for_a_user_without_connection_returns_NotConnected()
    {
        var result = await app.GetAsync("nobody", Ct);

        Assert.Equal(TokenStatus.NotConnected, result.Status);
        Assert.Null(result.AccessToken);
    }

    [Fact]
    public async Task GetValidToken_for_an_unconfigured_provider_returns_ConfigurationError_naming_the_key()
    {
        var result = await app.WithServiceAsync(s => s.GetValidTokenAsync("user-1", "myspace", Ct));

        Assert.Equal(TokenStatus.ConfigurationError, result.Status);
        Assert.Contains("OAuth2Capture:Providers:myspace", result.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetValidToken_past_expiry_refreshes_and_stores_the_rotated_refresh_token()
    {
        var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.Refreshed, result.Status);
        Assert.NotEqual(tokens.AccessToken, result.AccessToken);
        var row = await app.ReadRowAsync(id);
        Assert.NotNull(row);
        var storedRefresh = app.Unprotect(row.EncryptedRefreshToken!);
        Assert.NotEqual(tokens.RefreshToken, storedRefresh);
        Assert.Equal(result.AccessToken, app.Unprotect(row.EncryptedAccessToken));
        Assert.Equal(app.Clock.GetUtcNow().AddHours(1), row.AccessTokenExpiresAt!.Value, TimeSpan.FromMinutes(1));
        Assert.NotNull(row.LastRefreshedAt);

        // The stored rotated token works: the next expiry refreshes again instead of failing on the dead one.
        app.ExpireAccessTokens();
        Assert.Equal(TokenStatus.Refreshed, (await app.GetAsync("user-1", Ct)).Status);
        Assert.Equal(2, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task GetValidToken_just_after_a_refresh_returns_Valid_without_refreshing_again()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        var refreshed = await app.GetAsync("user-1", Ct);

        var again = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.Valid, again.Status);
        Assert.Equal(refreshed.AccessToken, again.AccessToken);
        Assert.Equal(1, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task TokenRefresher_called_with_stale_state_after_another_flight_rereads_instead_of_refreshing()
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        await app.GetAsync("user-1", Ct);

        // A caller that decided "needs refresh" before the first flight stored its result and enters a new flight now.
        await using var scope = app.Services.CreateAsyncScope();
        var refresher = scope.ServiceProvider.GetRequiredService<TokenRefresher>();
        var catalog = scope.ServiceProvider.GetRequiredService<OAuth2Capture.Providers.IOAuthProviderCatalog>();
        Assert.True(catalog.TryGet(CaptureHarness.Provider, out var provider));
        var late = await refresher.RefreshAsync(provider, id, Ct);

        Assert.Equal(TokenStatus.Valid, late.Status);
        Assert.Equal(1, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task GetValidToken_past_expiry_with_200_concurrent_callers_refreshes_once_with_rotation_on()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        using var start = new ManualResetEventSlim();

        var callers = Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            start.Wait(Ct);
            return await app.GetAsync("user-1", Ct);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, dev.Stats.RefreshRequests);
        Assert.DoesNotContain(results, r => r.Status == TokenStatus.ReauthRequired);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Single(results.Select(r => r.AccessToken).Distinct());
    }

    [Fact]
    public async Task GetValidToken_when_the_refresh_token_expired_returns_ReauthRequired_RefreshTokenExpired_and_stops_calling_the_provider()
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.ExpireRefreshTokensAsync("alice", Ct);
        app.ExpireAccessTokens();

        var result = await app.GetAsync("user-1", Ct);
        var requestsAfterFirst = dev.Stats.TokenRequests;
        var again = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.ReauthRequired, result.Status);
        Assert.Equal(ReauthReason.RefreshTokenExpired, result.Reason);
        Assert.Equal("invalid_grant", result.Error);
        Assert.Equal(ReauthReason.RefreshTokenExpired, again.Reason);
        Assert.Equal(requestsAfterFirst, dev.Stats.TokenRequests);
        var row = await app.ReadRowAsync(id);
        Assert.Equal(ConnectionHealth.ReauthRequired, row!.Status);
        Assert.Equal(ReauthReason.RefreshTokenExpired, row.ReauthReason);
        Assert.Contains("invalid_grant", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetValidToken_when_the_grant_was_revoked_returns_ReauthRequired_Revoked()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        app.ExpireAccessTokens();

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.ReauthRequired, result.Status);
        Assert.Equal(ReauthReason.Revoked, result.Reason);
    }

    [Fact]
    public async Task GetValidToken_expiring_one_users_grant_leaves_another_users_connection_working()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        await app.ConnectAsync("user-2", "bob", Ct);
        await dev.Faults.ExpireRefreshTokensAsync("alice", Ct);
        app.ExpireAccessTokens();

        Assert.Equal(TokenStatus.ReauthRequired, (await app.GetAsync("user-1", Ct)).Status);
        Assert.Equal(TokenStatus.Refreshed, (await app.GetAsync("user-2", Ct)).Status);
    }

    [Fact]
    public async Task GetValidToken_when_the_client_secret_is_rejected_returns_ConfigurationError_and_never_marks_the_connection()
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.RejectClientSecret = true;
        app.ExpireAccessTokens();

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.ConfigurationError, result.Status);
        Assert.Equal("invalid_client", result.Error);
        var row = await app.ReadRowAsync(id);
        Assert.Equal(ConnectionHealth.Active, row!.Status);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Id == 2005 && r.Level == Microsoft.Extensions.Logging.LogLevel.Error);

        // Once the operator fixes it, the same connection refreshes: nobody was sent to reconnect.
        dev.Faults.RejectClientSecret = false;
        Assert.Equal(TokenStatus.Refreshed, (await app.GetAsync("user-1", Ct)).Status);
    }

    [Fact]
    public async Task GetValidToken_after_429_with_RetryAfter_waits_then_returns_Refreshed()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.TooManyRequests, 1, TimeSpan.FromSeconds(1));
        app.ExpireAccessTokens();
        var watch = Stopwatch.StartNew();

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.Refreshed, result.Status);
        Assert.Equal(2, dev.Stats.RefreshRequests);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retry-After was not honoured: {watch.Elapsed}");
    }

    [Fact]
    public async Task GetValidToken_after_429_with_RetryAfter_beyond_the_budget_returns_TemporarilyUnavailable_at_once()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.TooManyRequests, 1, TimeSpan.FromMinutes(2));
        app.ExpireAccessTokens();
        var watch = Stopwatch.StartNew();

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.TemporarilyUnavailable, result.Status);
        Assert.Equal(TimeSpan.FromMinutes(2), result.RetryAfter);
        Assert.Equal(1, dev.Stats.RefreshRequests);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task GetValidToken_during_a_503_storm_returns_TemporarilyUnavailable_within_the_time_bound_and_keeps_the_connection()
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 1000);
        app.ExpireAccessTokens();
        var watch = Stopwatch.StartNew();

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.TemporarilyUnavailable, result.Status);
        Assert.True(watch.Elapsed < DevProviderTestSettings.TotalTimeout + TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
        Assert.Equal(3, dev.Stats.RefreshRequests); // one try and two retries
        Assert.Equal(ConnectionHealth.Active, (await app.ReadRowAsync(id))!.Status);
    }

    [Fact]
    public async Task GetValidToken_when_the_provider_hangs_returns_TemporarilyUnavailable_without_retrying_the_post()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.Hang, 5);
        app.ExpireAccessTokens();
        var watch = Stopwatch.StartNew();

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.TemporarilyUnavailable, result.Status);
        Assert.True(watch.Elapsed < DevProviderTestSettings.TotalTimeout + TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
        // A timed-out POST may have reached the provider and rotated the refresh token: it is not sent again.
        Assert.Equal(1, dev.Stats.RefreshRequests);
    }

    [Theory]
    [InlineData(DevTokenFault.HtmlErrorPage, "DevProvider answered HTTP 502 with an HTML page instead of JSON.")]
    [InlineData(DevTokenFault.MalformedJson, "DevProvider answered HTTP 200 with malformed JSON.")]
    public async Task GetValidToken_when_the_provider_answers_garbage_returns_a_clear_error_naming_provider_and_status(DevTokenFault fault, string description)
    {
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(fault, 1000);
        app.ExpireAccessTokens();

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.TemporarilyUnavailable, result.Status);
        Assert.Equal(description, result.ErrorDescription);
        var row = await app.ReadRowAsync(id);
        Assert.Equal(ConnectionHealth.Active, row!.Status);
        Assert.Equal(description, row.LastError);
    }

    [Fact]
    public async Task GetValidToken_within_the_skew_when_refresh_fails_transiently_still_returns_the_current_token()
    {
        var (_, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 1000);
        app.Clock.Advance(TimeSpan.FromMinutes(57)); // 3 minutes left: inside the 5-minute skew, not expired

        var result = await app.GetAsync("user-1", Ct);

        Assert.Equal(TokenStatus.Valid, result.Status);
        Assert.Equal(tokens.AccessToken, result.AccessToken);
    }

    [Fact]
    public async Task GetRequiredToken_throws_the_exception_matching_each_status()
    {
        await Assert.ThrowsAsync<TokenNotConnectedException>(() => app.WithServiceAsync(s => s.GetRequiredTokenAsync("nobody", CaptureHarness.Provider, Ct)));

        await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.ExpireRefreshTokensAsync("alice", Ct);
        await app.ConnectAsync("user-2", "bob", Ct);
        await dev.Faults.RevokeGrantAsync("bob", Ct);
        await app.ConnectAsync("user-3", "carol", Ct);
        app.ExpireAccessTokens();

        var expired = await Assert.ThrowsAsync<TokenExpiredException>(() => app.WithServiceAsync(s => s.GetRequiredTokenAsync("user-1", CaptureHarness.Provider, Ct)));
        Assert.True(expired.Recoverable);
        Assert.Equal(CaptureHarness.Provider, expired.Provider);
        await Assert.ThrowsAsync<TokenRevokedException>(() => app.WithServiceAsync(s => s.GetRequiredTokenAsync("user-2", CaptureHarness.Provider, Ct)));

        dev.Faults.RejectClientSecret = true;
        var config = await Assert.ThrowsAsync<OAuthConfigurationException>(() => app.WithServiceAsync(s => s.GetRequiredTokenAsync("user-3", CaptureHarness.Provider, Ct)));
        Assert.False(config.Recoverable);
        dev.Faults.RejectClientSecret = false;

        dev.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, 1000);
        await Assert.ThrowsAsync<TokenRefreshException>(() => app.WithServiceAsync(s => s.GetRequiredTokenAsync("user-3", CaptureHarness.Provider, Ct)));
        dev.Faults.Reset();

        var ok = await app.WithServiceAsync(s => s.GetRequiredTokenAsync("user-3", CaptureHarness.Provider, Ct));
        Assert.NotNull(ok.AccessToken);
    }

    [Fact]
    public async Task ValidateWithProvider_reports_Active_then_Inactive_after_revocation_and_caches_briefly()
    {
        await using var shortCache = await CaptureHarness.StartAsync(dev, o => o.ValidationCacheDuration = TimeSpan.FromSeconds(3));
        var (id, _) = await shortCache.ConnectAsync("user-1", "dora", Ct);

        var first = await shortCache.WithServiceAsync(s => s.ValidateWithProviderAsync(id, Ct));
        await dev.Faults.RevokeGrantAsync("dora", Ct);
        var cached = await shortCache.WithServiceAsync(s => s.ValidateWithProviderAsync(id, Ct));
        await Task.Delay(TimeSpan.FromSeconds(3.5), Ct);
        var fresh = await shortCache.WithServiceAsync(s => s.ValidateWithProviderAsync(id, Ct));

        Assert.Equal(TokenValidationState.Active, first.State);
        Assert.Equal("introspection", first.Method);
        Assert.Equal(first, cached);
        Assert.Equal(TokenValidationState.Inactive, fresh.State);
    }

    [Fact]
    public async Task GetExpiringConnections_lists_connections_whose_refresh_token_ends_within_the_window()
    {
        var (soon, _) = await app.ConnectAsync("user-1", "alice", Ct);
        var (later, _) = await app.ConnectAsync("user-1", "bob", Ct);
        await SetRefreshExpiryAsync(soon, TimeSpan.FromDays(3));
        await SetRefreshExpiryAsync(later, TimeSpan.FromDays(30));

        var expiring = await app.WithServiceAsync(s => s.GetExpiringConnectionsAsync("user-1", cancellationToken: Ct));

        var only = Assert.Single(expiring);
        Assert.Equal(soon, only.ConnectionId);
        Assert.Equal(app.Clock.GetUtcNow().AddDays(3), only.ExpiresAt, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Refresh_and_failure_never_write_token_values_to_the_logs()
    {
        var (_, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        var refreshed = await app.GetAsync("user-1", Ct);
        await dev.Faults.ExpireRefreshTokensAsync("alice", Ct);
        app.ExpireAccessTokens();
        var failed = await app.GetAsync("user-1", Ct);
        Assert.Equal(TokenStatus.ReauthRequired, failed.Status);

        var secrets = new[] { tokens.AccessToken, tokens.RefreshToken!, refreshed.AccessToken!, dev.Options.ClientSecret };
        var records = app.Logs.GetSnapshot();
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var text = record.Message + " " + string.Join(" ", record.StructuredState?.Select(p => p.Value) ?? []) + " " + record.Exception;
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    private async Task SetRefreshExpiryAsync(Guid id, TimeSpan fromNow)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var row = await store.FindByIdAsync(id, Ct);
        row!.RefreshTokenExpiresAt = app.Clock.GetUtcNow() + fromNow;
        Assert.True(await store.TryUpdateAsync(row, Ct));
    }
}

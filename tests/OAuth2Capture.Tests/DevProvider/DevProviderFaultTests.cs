using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OAuth2Capture.DevProvider;

namespace OAuth2Capture.Tests.DevProvider;

public sealed class DevProviderFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DevTokenFault, int, string, string, string?> AnsweringFaults => new()
    {
        { DevTokenFault.TooManyRequests, 429, "application/json", """{"error":"rate_limited"}""", "1" },
        { DevTokenFault.ServiceUnavailable, 503, "application/json", """{"error":"temporarily_unavailable","error_description":"The service is temporarily unavailable."}""", null },
        { DevTokenFault.HtmlErrorPage, 502, "text/html", "<html><body><h1>Bad Gateway</h1></body></html>", null },
        { DevTokenFault.MalformedJson, 200, "application/json", """{"access_token": "abc",""", null },
        { DevTokenFault.InvalidClient, 401, "application/json", """{"error":"invalid_client","error_description":"Client authentication failed."}""", null },
        { DevTokenFault.InvalidScope, 400, "application/json", """{"error":"invalid_scope","error_description":"The requested scope is invalid, unknown, or malformed."}""", null },
    };

    [Theory]
    [MemberData(nameof(AnsweringFaults))]
    public async Task TokenFault_answers_exactly_once_then_normal_service_resumes(
        DevTokenFault fault, int status, string mediaType, string body, string? retryAfter)
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        server.Faults.FailNextTokenRequests(fault);

        using var faulted = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
        using var next = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);

        Assert.Equal(status, (int)faulted.StatusCode);
        Assert.Equal(mediaType, faulted.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, await faulted.Content.ReadAsStringAsync(Ct));
        Assert.Equal(retryAfter, faulted.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        await DevProviderFlow.ReadTokensAsync(next, Ct); // the faulted request never reached OpenIddict: the token is still unused
        Assert.Equal(0, server.Faults.PendingTokenFaults);
    }

    [Fact]
    public async Task TooManyRequests_with_count_and_retryAfter_answers_that_many_times_with_that_header()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        server.Faults.FailNextTokenRequests(DevTokenFault.TooManyRequests, count: 2, retryAfter: TimeSpan.FromSeconds(7));

        using var first = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
        using var second = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
        using var third = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), second.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Hang_never_answers_until_the_client_gives_up_then_normal_service_resumes()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        server.Faults.FailNextTokenRequests(DevTokenFault.Hang);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, timeout.Token));
        using var next = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, server.Stats.RefreshRequests);
    }

    [Fact]
    public async Task HangAfterIssuing_rotates_the_refresh_token_but_never_answers()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        server.Faults.FailNextTokenRequests(DevTokenFault.HangAfterIssuing);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(1000));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, timeout.Token));
        Assert.Equal(1, server.Stats.WithheldTokenAnswers);
        using var reused = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);

        // The withheld answer carried the only live refresh token: the old one was redeemed (no reuse leeway by default).
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Contains("invalid_grant", await reused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hang_does_not_hold_up_server_shutdown_and_the_hanging_request_fails()
    {
        var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using (server)
        {
            var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
            server.Faults.FailNextTokenRequests(DevTokenFault.Hang);
            var hanging = DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
            await WaitUntilAsync(() => server.Stats.RefreshRequests == 1);

            var stopwatch = Stopwatch.StartNew();
            await server.DisposeAsync();

            Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => hanging);
        }
    }

    [Fact]
    public async Task Reset_releases_a_hanging_request_by_aborting_its_connection()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        server.Faults.FailNextTokenRequests(DevTokenFault.Hang);
        var hanging = DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
        await WaitUntilAsync(() => server.Stats.RefreshRequests == 1);

        server.Faults.Reset();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => hanging);
    }

    [Fact]
    public async Task RejectClientSecret_while_set_answers_invalid_client_to_every_token_request_and_not_after()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        server.Faults.RejectClientSecret = true;

        using var first = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
        using var second = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
        server.Faults.RejectClientSecret = false;
        using var after = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);

        const string InvalidClient = """{"error":"invalid_client","error_description":"Client authentication failed."}""";
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(InvalidClient, await first.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task ExpireRefreshTokensAsync_makes_that_subjects_refresh_fail_with_expired_and_leaves_other_users_alone()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var alice = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        var bob = await DevProviderFlow.ObtainTokensAsync(server, "bob", Ct);

        var expired = await server.Faults.ExpireRefreshTokensAsync("alice", Ct);
        using var aliceRefresh = await DevProviderFlow.RefreshAsync(server, alice.RefreshToken!, Ct);
        using var bobRefresh = await DevProviderFlow.RefreshAsync(server, bob.RefreshToken!, Ct);
        var aliceAgain = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        using var aliceNewRefresh = await DevProviderFlow.RefreshAsync(server, aliceAgain.RefreshToken!, Ct);

        Assert.Equal(1, expired);
        Assert.Equal(HttpStatusCode.BadRequest, aliceRefresh.StatusCode);
        Assert.Equal(
            """{"error":"invalid_grant","error_description":"The specified refresh token has expired."}""",
            await aliceRefresh.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, bobRefresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, aliceNewRefresh.StatusCode);
        Assert.False((await DevProviderFlow.IntrospectAsync(server, alice.RefreshToken!, Ct)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task RevokeGrantAsync_makes_the_next_refresh_fail_with_openiddicts_invalid_grant()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var alice = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        var bob = await DevProviderFlow.ObtainTokensAsync(server, "bob", Ct);

        var revoked = await server.Faults.RevokeGrantAsync("alice", Ct);
        using var aliceRefresh = await DevProviderFlow.RefreshAsync(server, alice.RefreshToken!, Ct);
        using var bobRefresh = await DevProviderFlow.RefreshAsync(server, bob.RefreshToken!, Ct);
        using var userInfo = await DevProviderFlow.GetUserInfoAsync(server, alice.AccessToken, Ct);

        Assert.True(revoked >= 2, $"revoked {revoked}");
        Assert.Equal(HttpStatusCode.BadRequest, aliceRefresh.StatusCode);
        var error = JsonDocument.Parse(await aliceRefresh.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        Assert.Equal("The specified refresh token is no longer valid.", error.GetProperty("error_description").GetString());
        Assert.Equal("https://documentation.openiddict.com/errors/ID2018", error.GetProperty("error_uri").GetString());
        Assert.Equal(HttpStatusCode.OK, bobRefresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, userInfo.StatusCode);
    }

    [Fact]
    public async Task ExpireAccessTokensAsync_makes_userinfo_and_introspection_reject_that_subjects_access_tokens_only()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var alice = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        var bob = await DevProviderFlow.ObtainTokensAsync(server, "bob", Ct);

        await server.Faults.ExpireAccessTokensAsync("alice", Ct);
        using var aliceInfo = await DevProviderFlow.GetUserInfoAsync(server, alice.AccessToken, Ct);
        using var bobInfo = await DevProviderFlow.GetUserInfoAsync(server, bob.AccessToken, Ct);
        using var aliceRefresh = await DevProviderFlow.RefreshAsync(server, alice.RefreshToken!, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, aliceInfo.StatusCode);
        Assert.Contains("invalid_token", aliceInfo.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.False((await DevProviderFlow.IntrospectAsync(server, alice.AccessToken, Ct)).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, bobInfo.StatusCode);
        Assert.Equal(HttpStatusCode.OK, aliceRefresh.StatusCode);
    }

    [Fact]
    public async Task Stats_count_every_token_request_before_faults_and_refreshes_and_authorizations_separately()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var tokens = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        server.Faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable);
        using var faulted = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
        using var refreshed = await DevProviderFlow.RefreshAsync(server, tokens.RefreshToken!, Ct);
        using var revoke = await DevProviderFlow.RevokeAsync(server, tokens.AccessToken, "access_token", Ct);

        Assert.Equal(3, server.Stats.TokenRequests);
        Assert.Equal(2, server.Stats.RefreshRequests);
        Assert.Equal(1, server.Stats.AuthorizationRequests);
        Assert.Equal(1, server.Stats.RevocationRequests);
        server.Stats.Reset();
        Assert.Equal(0, server.Stats.TokenRequests);
        Assert.Equal(0, server.Stats.RefreshRequests);
    }

    [Fact]
    public async Task ControlApi_sets_faults_expires_users_and_reports_stats_over_http()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var alice = await DevProviderFlow.ObtainTokensAsync(server, "alice", Ct);
        var bob = await DevProviderFlow.ObtainTokensAsync(server, "bob", Ct);

        using var setFault = await DevProviderFlow.Http.PostAsync(
            new Uri(server.ControlEndpoint, "faults/token?kind=TooManyRequests&count=1&retryAfter=2"), null, Ct);
        using var rateLimited = await DevProviderFlow.RefreshAsync(server, bob.RefreshToken!, Ct);
        using var expire = await DevProviderFlow.Http.PostAsync(new Uri(server.ControlEndpoint, "users/alice/expire-refresh-tokens"), null, Ct);
        using var expired = await DevProviderFlow.RefreshAsync(server, alice.RefreshToken!, Ct);
        using var revoke = await DevProviderFlow.Http.PostAsync(new Uri(server.ControlEndpoint, "users/bob/revoke"), null, Ct);
        using var revoked = await DevProviderFlow.RefreshAsync(server, bob.RefreshToken!, Ct);
        using var badKind = await DevProviderFlow.Http.PostAsync(new Uri(server.ControlEndpoint, "faults/token?kind=Nope"), null, Ct);
        using var stats = await DevProviderFlow.Http.GetAsync(new Uri(server.ControlEndpoint, "stats"), Ct);

        Assert.Equal(HttpStatusCode.OK, setFault.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, rateLimited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), rateLimited.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, expire.StatusCode);
        Assert.Contains("has expired", await expired.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Contains("no longer valid", await revoked.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        var counters = JsonDocument.Parse(await stats.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(5, counters.GetProperty("tokenRequests").GetInt64());
        Assert.Equal(3, counters.GetProperty("refreshRequests").GetInt64());
        Assert.Equal(2, counters.GetProperty("authorizationRequests").GetInt64());
    }

    [Fact]
    public async Task FailNextTokenRequests_with_a_non_positive_count_throws_and_queues_nothing()
    {
        await using var server = await DevProviderServer.StartAsync(cancellationToken: Ct);

        Assert.Throws<ArgumentOutOfRangeException>(() => server.Faults.FailNextTokenRequests(DevTokenFault.Hang, count: 0));
        Assert.Equal(0, server.Faults.PendingTokenFaults);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "Timed out waiting for the condition.");
            await Task.Delay(20, Ct);
        }
    }
}

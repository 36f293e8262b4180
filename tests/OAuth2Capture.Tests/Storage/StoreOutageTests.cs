using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Http;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// The store goes away for real: the app reaches a real PostgreSQL database through <see cref="TcpOutageProxy"/>, which is
/// stopped (listener closed, every pooled connection reset) and started again. The shared cluster itself is never stopped:
/// other tests use it at the same time.
/// </summary>
public sealed class StoreOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Protected_endpoints_and_the_service_answer_503_store_unavailable_with_Retry_After_while_PostgreSql_is_unreachable_and_recover()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var proxy = StartProxy();
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await WebAppHarness.StartAsync(dev, services => UseProxiedPostgreSql(services, database, proxy));
        await app.ConnectAsync("user-1", "alice", Ct);
        using var api = app.Api();
        using var browser = app.Browser();
        using (var before = await api.GetAsync("api/repos", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        proxy.Stop();

        // The filters, and a TokenRefreshException escaping straight-line endpoints (Http/TokenExceptionEndpoints.cs).
        foreach (var path in new[] { "api/repos", "repos", "api/required", "mvc/required" })
        {
            using var response = await api.GetAsync(path, Ct);
            await AssertStoreUnavailableProblemAsync(response);
        }

        foreach (var path in new[] { "repos", "mvc/required" })
        {
            using var page = await browser.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(page.Headers.RetryAfter);
            Assert.Contains("Error code: store_unavailable", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync("user-1", WebAppHarness.Provider, Ct);
            Assert.Equal(TokenStatus.TemporarilyUnavailable, result.Status);
            Assert.Equal(OAuth2CaptureErrorCodes.StoreUnavailable, result.Error);
            Assert.NotNull(result.RetryAfter);

            var tokens = scope.ServiceProvider.GetRequiredService<ITokenValidityService>();
            var expiring = await Assert.ThrowsAsync<TokenRefreshException>(() => tokens.GetExpiringConnectionsAsync("user-1", cancellationToken: Ct));
            Assert.Equal(OAuth2CaptureErrorCodes.StoreUnavailable, expiring.Result.Error);
            var validation = await tokens.ValidateWithProviderAsync(Guid.NewGuid(), Ct);
            Assert.Equal(TokenValidationState.Unknown, validation.State);
            Assert.Contains("could not be reached", validation.Detail, StringComparison.Ordinal);
        }

        // A page that only reads the status feature (a layout's banner) still renders, and claims no connection.
        var status = await api.GetFromJsonAsync<JsonElement>("status", Ct);
        Assert.All(status.GetProperty("providers").EnumerateArray(), provider =>
        {
            Assert.Equal((int)OAuthConnectionState.Unknown, provider.GetProperty("state").GetInt32());
            Assert.False(provider.GetProperty("isConnected").GetBoolean());
            Assert.Contains("can't be checked right now", provider.GetProperty("message").GetString(), StringComparison.Ordinal);
        });

        Assert.Contains(app.Logs.GetSnapshot(), record => record.Id.Name == "StoreUnavailable");
        proxy.Start();
        Assert.Equal(HttpStatusCode.OK, await EventuallyAsync(async () =>
        {
            using var response = await api.GetAsync("api/repos", Ct);
            return response.StatusCode;
        }, HttpStatusCode.OK));
        var recovered = await api.GetFromJsonAsync<JsonElement>("status", Ct);
        Assert.Contains(recovered.GetProperty("providers").EnumerateArray(), provider => provider.GetProperty("state").GetInt32() == (int)OAuthConnectionState.Active);
    }

    [Fact]
    public async Task List_connect_callback_and_revoke_answer_503_store_unavailable_while_PostgreSql_is_unreachable_and_change_nothing()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var proxy = StartProxy();
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await ConnectAppHarness.StartAsync(dev, services: services => UseProxiedPostgreSql(services, database, proxy));
        using var browser = new Browser();
        await app.SignInAsync(browser, "user-1", Ct);
        (await app.ConnectAsync(browser, "alice", "/page", Ct)).Dispose();
        var row = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        var antiforgery = await (await browser.GetOnceAsync(app.Url("/antiforgery"), Ct)).Content.ReadAsStringAsync(Ct);
        var callback = await app.StopAtCallbackAsync(browser, "alice", Ct);

        proxy.Stop();

        using (var callbackAnswer = await browser.GetOnceAsync(callback, Ct))
        {
            await AssertStoreUnavailablePageAsync(callbackAnswer);
        }

        using (var connect = await browser.GetOnceAsync(app.Url("/oauth2/dev/connect?returnUrl=%2Fpage"), Ct))
        {
            await AssertStoreUnavailablePageAsync(connect);
        }

        using (var revoke = await browser.PostFormAsync(app.Url($"/oauth2/{row.Id}/revoke"), [new("__RequestVerificationToken", antiforgery)], Ct, follow: false))
        {
            await AssertStoreUnavailablePageAsync(revoke);
        }

        browser.Accept = "application/json";
        using (var list = await browser.GetOnceAsync(app.Url("/oauth2/"), Ct))
        {
            await AssertStoreUnavailableProblemAsync(list);
        }

        proxy.Start();
        var after = await EventuallyAsync(async () => (await app.ConnectionsOfAsync("user-1")).SingleOrDefault()?.ConcurrencyToken, row.ConcurrencyToken);
        Assert.Equal(row.ConcurrencyToken, after);
        Assert.Equal(0, dev.Stats.RevocationRequests);
    }

    [Fact]
    public async Task Refresh_whose_write_meets_an_unreachable_PostgreSql_stores_the_rotated_refresh_token_once_it_is_back()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var proxy = StartProxy();
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var cut = new CutStoreWhenTokensArrive(proxy, TimeSpan.FromSeconds(3));
        await using var app = await CaptureHarness.StartAsync(dev, services: services =>
        {
            UseProxiedPostgreSql(services, database, proxy);
            services.AddHttpClient("OAuth2Capture." + CaptureHarness.Provider).AddHttpMessageHandler(() => new CutHandler(cut));
        });
        var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        app.ExpireAccessTokens();
        cut.Armed = true;

        var result = await app.GetAsync("user-1", Ct);

        // The DevProvider rotated the refresh token while the store was gone; the write waited for the store to come back.
        Assert.True(cut.Cuts == 1, "the store was never cut");
        Assert.Equal(TokenStatus.Refreshed, result.Status);
        var stored = (await app.ReadRowAsync(id))!;
        Assert.Equal(result.AccessToken, app.Unprotect(stored.EncryptedAccessToken));
        var storedRefreshToken = app.Unprotect(stored.EncryptedRefreshToken!);
        Assert.NotEqual(tokens.RefreshToken, storedRefreshToken);
        Assert.Null(stored.RefreshLeaseOwner);
        Assert.Contains(app.Logs.GetSnapshot(), record => record.Id.Name == "StoreRefreshedRetry");
        Assert.DoesNotContain(app.Logs.GetSnapshot(), record => record.Id.Name == "RefreshedButNotStored");
        using var live = await DevProviderFlow.RefreshAsync(dev, storedRefreshToken, Ct);
        Assert.True(live.IsSuccessStatusCode, "the stored refresh token is the live one at the provider");
    }

    [Fact]
    public async Task Refresh_rejected_while_PostgreSql_is_unreachable_stores_the_verdict_once_it_is_back_instead_of_leaving_an_interrupted_trail()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var proxy = StartProxy();
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var cut = new CutStoreWhenTokensArrive(proxy, TimeSpan.FromSeconds(3)) { OnErrorsToo = true };
        await using var app = await CaptureHarness.StartAsync(dev, services: services =>
        {
            UseProxiedPostgreSql(services, database, proxy);
            services.AddHttpClient("OAuth2Capture." + CaptureHarness.Provider).AddHttpMessageHandler(() => new CutHandler(cut));
        });
        var (id, _) = await app.ConnectAsync("user-1", "alice", Ct);
        await dev.Faults.RevokeGrantAsync("alice", Ct);
        app.ExpireAccessTokens();
        cut.Armed = true;

        var result = await app.GetAsync("user-1", Ct);

        // Before, the verdict's write failed at once: the caller heard store_unavailable and the row kept the lease, so the
        // next refresh read it as an interrupted one and reported the revocation as RotatedRefreshTokenLost.
        Assert.True(cut.Cuts == 1, "the store was never cut");
        Assert.Equal(TokenStatus.ReauthRequired, result.Status);
        Assert.Equal(ReauthReason.Revoked, result.Reason);
        var stored = (await app.ReadRowAsync(id))!;
        Assert.Equal(ConnectionHealth.ReauthRequired, stored.Status);
        Assert.Equal(ReauthReason.Revoked, stored.ReauthReason);
        Assert.Null(stored.RefreshLeaseOwner);
        Assert.Equal(1, dev.Stats.RefreshRequests);
    }

    [Fact]
    public async Task Refresh_on_a_SQLite_file_locked_by_another_writer_answers_TemporarilyUnavailable_store_unavailable_without_calling_the_provider()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oauth2capture-locked-{Guid.NewGuid():N}.db");
        try
        {
            await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
            await using var app = await CaptureHarness.StartAsync(dev, settings: new CaptureHarnessSettings
            {
                // A busy timeout of one second instead of 30, so the outage is noticed quickly.
                ConnectionString = $"Data Source={path};Pooling=False;Default Timeout=1",
            });
            await app.ConnectAsync("user-1", "alice", Ct);
            app.ExpireAccessTokens(); // a refresh must claim the row: a write, which the lock blocks (WAL still lets reads through)
            await using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
            await holder.OpenAsync(Ct);
            await using (var lockFile = holder.CreateCommand())
            {
                lockFile.CommandText = "BEGIN EXCLUSIVE";
                await lockFile.ExecuteNonQueryAsync(Ct);
            }

            var result = await app.GetAsync("user-1", Ct);

            Assert.Equal(TokenStatus.TemporarilyUnavailable, result.Status);
            Assert.Equal(OAuth2CaptureErrorCodes.StoreUnavailable, result.Error);
            Assert.Equal(0, dev.Stats.RefreshRequests);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    private static TcpOutageProxy StartProxy()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgreSqlTestDatabase.RequireServer());
        return TcpOutageProxy.Start(server.Host!, server.Port);
    }

    private static void UseProxiedPostgreSql(IServiceCollection services, PostgreSqlTestDatabase database, TcpOutageProxy proxy)
    {
        var proxied = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = proxy.Port,
            Timeout = 3,
            CommandTimeout = 5,
        };
        services.Configure<OAuth2CaptureOptions>(options =>
        {
            options.Store.Provider = OAuth2CaptureStoreProvider.PostgreSql;
            options.Store.ConnectionString = proxied.ConnectionString;
        });
    }

    private static async Task AssertStoreUnavailableProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("store_unavailable", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("urn:oauth2capture:problem:store_unavailable", problem.RootElement.GetProperty("type").GetString());
    }

    private static async Task AssertStoreUnavailablePageAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Error code: store_unavailable", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
    }

    /// <summary>Polls until <paramref name="read"/> answers <paramref name="expected"/> (the pool may hand out a dead connection first), for at most 10 s.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, T expected)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            T value;
            try
            {
                value = await read();
            }
            catch (Exception) when (DateTime.UtcNow < until)
            {
                value = default!;
            }

            if (EqualityComparer<T>.Default.Equals(value, expected) || DateTime.UtcNow >= until)
            {
                return value;
            }

            await Task.Delay(100, Ct);
        }
    }

    /// <summary>
    /// Cuts the store the moment the provider's refresh answer arrives (before the refresher can write it) and restores it
    /// after <paramref name="outage"/>: the timing hook is here, the outage itself is the real proxy.
    /// </summary>
    private sealed class CutStoreWhenTokensArrive(TcpOutageProxy proxy, TimeSpan outage)
    {
        private int cuts;

        public bool Armed { get; set; }

        /// <summary>Gets or sets a value indicating whether an error answer cuts the store too (by default only tokens do).</summary>
        public bool OnErrorsToo { get; init; }

        public int Cuts => Volatile.Read(ref cuts);

        public void Answered(HttpRequestMessage request, HttpResponseMessage response)
        {
            if (Armed && (response.IsSuccessStatusCode || OnErrorsToo) && request.Method == HttpMethod.Post && Interlocked.Increment(ref cuts) == 1)
            {
                proxy.Stop();
                _ = Task.Delay(outage, CancellationToken.None).ContinueWith(_ => proxy.Start(), TaskScheduler.Default);
            }
        }
    }

    private sealed class CutHandler(CutStoreWhenTokensArrive cut) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            cut.Answered(request, response);
            return response;
        }
    }
}

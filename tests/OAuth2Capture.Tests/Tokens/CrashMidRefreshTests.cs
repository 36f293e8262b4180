using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>
/// A crash mid-refresh, for real: the app runs as its own process (<see cref="CrashHostProcess"/>), its refresh reaches the
/// DevProvider (in this process), which rotates the refresh token and withholds the answer
/// (<see cref="DevTokenFault.HangAfterIssuing"/>); the app is killed with SIGKILL and started again on the same SQLite file.
/// </summary>
public sealed class CrashMidRefreshTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task App_killed_mid_refresh_with_the_providers_reuse_leeway_on_keeps_the_connection_without_reauth()
    {
        var (status, body, output) = await CrashAndAskAgainAsync(reuseLeeway: TimeSpan.FromMinutes(1));

        Assert.True(status == HttpStatusCode.OK, body + "\n" + output);
        Assert.Equal("Refreshed", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task App_killed_mid_refresh_without_reuse_leeway_reports_RotatedRefreshTokenLost_not_Revoked_and_says_so()
    {
        var (status, body, output) = await CrashAndAskAgainAsync(reuseLeeway: TimeSpan.Zero);

        Assert.True(status == HttpStatusCode.Forbidden, body + "\n" + output);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("reauth_required", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(nameof(ReauthReason.RotatedRefreshTokenLost), problem.RootElement.GetProperty("reason").GetString());
        Assert.Contains("interrupted while it was being renewed", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body, string Output)> CrashAndAskAgainAsync(TimeSpan reuseLeeway)
    {
        var watch = Stopwatch.StartNew();
        var stages = new List<string>();
        void Stage(string name) => stages.Add($"{name} {watch.Elapsed.TotalSeconds:F1}s");
        var work = Directory.CreateTempSubdirectory("oauth2capture-crash-");
        try
        {
            await using var dev = await DevProviderServer.StartAsync(new DevProviderOptions { RefreshTokenReuseLeeway = reuseLeeway }, Ct);
            // Every access token is due for refresh at once (it lives less than the 5-minute RefreshSkew).
            dev.Faults.SetLifetimes(TimeSpan.FromMinutes(2), refreshToken: null);
            var baseUri = new Uri($"http://127.0.0.1:{CrashHostProcess.FreePort()}/");
            await dev.RegisterClientAsync(new DevClient
            {
                ClientId = dev.Options.ClientId,
                ClientSecret = dev.Options.ClientSecret,
                RedirectUris = { new Uri(baseUri, "oauth2/dev/callback") },
            }, Ct);
            var settings = Settings(dev, work.FullName);
            using var browser = new Browser();

            Stage("provider up");
            using (var first = await CrashHostProcess.StartAsync(baseUri, settings, Ct))
            {
                Stage("host up");
                (await browser.GetAsync(new Uri(baseUri, "login?user=user-1"), Ct)).Dispose();
                browser.Rewrite = uri => uri.AbsolutePath.EndsWith("/authorize", StringComparison.Ordinal) && !uri.Query.Contains("login_hint", StringComparison.Ordinal)
                    ? new Uri(uri + "&login_hint=alice")
                    : uri;
                using (var connected = await browser.GetAsync(new Uri(baseUri, "oauth2/dev/connect?returnUrl=%2Fconnected"), Ct))
                {
                    Assert.True(connected.IsSuccessStatusCode, $"connect ended {connected.StatusCode} at {browser.Hops[^1]}:\n{first.Output}");
                }

                Stage("connected");
                dev.Faults.FailNextTokenRequests(DevTokenFault.HangAfterIssuing);
                browser.Accept = "application/json";
                var hung = browser.GetOnceAsync(new Uri(baseUri, "token"), CancellationToken.None);
                await WaitUntilAsync(() => dev.Stats.WithheldTokenAnswers == 1, "the refresh never reached the DevProvider");

                first.Kill();
                await Assert.ThrowsAnyAsync<Exception>(() => hung);
                Stage("killed");
            }

            using var second = await CrashHostProcess.StartAsync(baseUri, settings, Ct);
            Stage("restarted");
            using var again = await browser.GetOnceAsync(new Uri(baseUri, "token"), Ct);
            var body = await again.Content.ReadAsStringAsync(Ct);
            // Every wait is bounded on its own (start-up 30 s, provider 10 s, requests 30 s); 20-30 s in all on an idle machine.
            return (again.StatusCode, body, $"stages: {string.Join(", ", stages)}\n{second.Output}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> Settings(DevProviderServer dev, string work) => new()
    {
        ["CrashHost:Keys"] = Path.Combine(work, "keys"),
        ["OAuth2Capture:Store:ConnectionString"] = $"Data Source={Path.Combine(work, "app.db")}",
        // A short lease, so the restarted app takes over the killed one's lease within seconds.
        ["OAuth2Capture:RefreshLeaseDuration"] = "00:00:05",
        ["OAuth2Capture:Resilience:TotalTimeout"] = "00:00:04",
        ["OAuth2Capture:Resilience:AttemptTimeout"] = "00:00:04",
        ["OAuth2Capture:Providers:dev:DisplayName"] = "DevProvider",
        ["OAuth2Capture:Providers:dev:ClientId"] = dev.Options.ClientId,
        ["OAuth2Capture:Providers:dev:ClientSecret"] = dev.Options.ClientSecret,
        ["OAuth2Capture:Providers:dev:AuthorizationEndpoint"] = dev.AuthorizationEndpoint.ToString(),
        ["OAuth2Capture:Providers:dev:TokenEndpoint"] = dev.TokenEndpoint.ToString(),
        ["OAuth2Capture:Providers:dev:UserInformationEndpoint"] = dev.UserInfoEndpoint.ToString(),
        ["OAuth2Capture:Providers:dev:Scopes:0"] = "openid",
        ["OAuth2Capture:Providers:dev:Scopes:1"] = "profile",
        ["OAuth2Capture:Providers:dev:Scopes:2"] = "offline_access",
    };

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), what);
            await Task.Delay(20, Ct);
        }
    }
}

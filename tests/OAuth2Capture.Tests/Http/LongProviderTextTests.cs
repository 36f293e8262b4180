using System.Net;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// Legal but long values a provider may send (an account name of 300 characters, a grant of many URL-shaped scopes, an
/// account id past the stored bound), connected through the browser flow on a real PostgreSQL database, where a column
/// too short fails the write instead of being ignored as on SQLite.
/// </summary>
public sealed class LongProviderTextTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connect_on_PostgreSql_with_a_300_character_display_name_stores_it_cut_with_an_ellipsis_on_a_whole_character()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await ConnectAppHarness.StartAsync(dev, options => UsePostgreSql(options, database));
        using var browser = new Browser();

        // The emoji (a surrogate pair) straddles the cut: a cut by UTF-16 units would store half of it.
        dev.Faults.SetDisplayName("alice", new string('a', 198) + "\U0001F600" + new string('b', 100));
        await app.SignInAsync(browser, "user-1", Ct);
        using var response = await app.ConnectAsync(browser, "alice", "/page", Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        Assert.Equal(app.Url("/page"), browser.Hops[^1]);
        var row = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.Equal(new string('a', 198) + "…", row.DisplayName);
    }

    [Fact]
    public async Task Connect_on_PostgreSql_with_a_grant_of_more_than_2000_characters_of_scopes_stores_every_scope()
    {
        // Google lists each scope as a URL; forty of them pass the 2,000 characters the column once held.
        var scopes = Enumerable.Range(1, 40).Select(i => $"https://www.googleapis.com/auth/dev.resource-{i:D2}.readonly").ToArray();
        var devOptions = new DevProviderOptions();
        foreach (var scope in scopes)
        {
            devOptions.AdditionalScopes.Add(scope);
        }

        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(devOptions, Ct);
        await using var app = await ConnectAppHarness.StartAsync(dev, options =>
        {
            UsePostgreSql(options, database);
            options.Providers[CaptureHarness.Provider] = DevProviderTestSettings.Provider(dev, scopes: ["openid", "offline_access", .. scopes]);
        });
        using var browser = new Browser();
        await app.SignInAsync(browser, "user-1", Ct);

        using var response = await app.ConnectAsync(browser, "alice", "/page", Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        var row = Assert.Single(await app.ConnectionsOfAsync("user-1"));
        Assert.True(row.Scope!.Length > 2000, $"scope of {row.Scope.Length} characters");
        Assert.All(scopes, scope => Assert.Contains(scope, row.Scope.Split(' ')));
    }

    [Fact]
    public async Task Connect_on_PostgreSql_with_an_account_id_over_255_characters_answers_502_naming_the_provider_and_stores_nothing()
    {
        await using var database = await PostgreSqlTestDatabase.CreateAsync(cancellationToken: Ct);
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        await using var app = await ConnectAppHarness.StartAsync(dev, options => UsePostgreSql(options, database));
        using var browser = new Browser();
        await app.SignInAsync(browser, "user-1", Ct);

        using var response = await app.ConnectAsync(browser, new string('u', 300), "/page", Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"{response.StatusCode}: {body}");
        Assert.Contains("Error code: code_exchange_failed", body, StringComparison.Ordinal);
        Assert.Contains("DevProvider identified the account with an id of 300 characters", body, StringComparison.Ordinal);
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    private static void UsePostgreSql(OAuth2CaptureOptions options, PostgreSqlTestDatabase database)
    {
        options.Store.Provider = OAuth2CaptureStoreProvider.PostgreSql;
        options.Store.ConnectionString = database.ConnectionString;
    }
}

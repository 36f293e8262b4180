using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.Background;
using OAuth2Capture.Http;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Background;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tests.Providers;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

/// <summary>
/// One Facebook connection (renewed by exchanging the access token itself, so its grant ends with it), one Google
/// connection (a refresh token with no known end) and one GitHub OAuth-app connection (a token that never expires and is
/// never renewed), read through every surface that tells the user or the app about a connection's end: the list
/// endpoint, the status feature behind the banner, <c>GetExpiringConnectionsAsync</c> and the background sweep's
/// notices. They must tell the same story, first while the Facebook grant nears its end and then once it has passed.
/// </summary>
public sealed class ConnectionAgreementTests : IAsyncLifetime
{
    private const string Owner = "user-1";
    private static readonly string[] Providers = ["facebook", "youtube", "github"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"oauth2capture-agreement-{Guid.NewGuid():N}.db");
    private readonly Dictionary<string, RecordingHttpMessageHandler> backchannels = Providers.ToDictionary(name => name, _ => new RecordingHttpMessageHandler());
    private readonly ShiftableTimeProvider clock = new();
    private readonly RecordingNotifier notifier = new();
    private WebApplication app = null!;
    private HttpClient client = null!;
    private Dictionary<string, Guid> ids = null!;
    private DateTimeOffset seededAt;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(WebAppHarness.TestScheme).AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(WebAppHarness.TestScheme, null);
        builder.Services.AddOAuth2Capture(options =>
        {
            options.Store.ConnectionString = $"Data Source={databasePath}";
            foreach (var name in Providers)
            {
                options.Providers[name] = new() { ClientId = $"cid-{name}", ClientSecret = $"secret-{name}" };
            }
        });
        foreach (var (name, handler) in backchannels)
        {
            builder.Services.AddHttpClient(OAuth2CaptureDefaults.HttpClientNamePrefix + name).ConfigurePrimaryHttpMessageHandler(() => handler);
        }

        builder.Services.AddSingleton(notifier);
        builder.Services.AddScoped<IReauthNotifier>(services => services.GetRequiredService<RecordingNotifier>());

        app = builder.Build();
        app.UseAuthentication();
        app.UseOAuth2Capture();
        app.MapOAuth2Capture();
        app.MapGet("/status", async Task<IResult> (HttpContext context) => Results.Json(await context.GetOAuthStatus()!.GetProvidersAsync(context.RequestAborted)));
        await app.StartAsync(Ct);
        client = app.GetTestClient();
        client.DefaultRequestHeaders.Add(WebAppHarness.UserHeader, Owner);

        var now = seededAt = clock.GetUtcNow();
        ids = new()
        {
            ["facebook"] = await SeedAsync("facebook", accessExpiresAt: now.AddDays(3), refreshToken: null),
            ["youtube"] = await SeedAsync("youtube", accessExpiresAt: now.AddDays(5), refreshToken: "1//google-refresh"),
            ["github"] = await SeedAsync("github", accessExpiresAt: null, refreshToken: null),
        };
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(databasePath + suffix);
        }
    }

    [Fact]
    public async Task Every_surface_warns_about_the_Facebook_grant_alone_and_with_the_same_end()
    {
        // From the seeding clock, not the test's: the first insert alone takes most of a second on a loaded machine.
        var facebookEnd = seededAt.AddDays(3);

        var view = await ReadEverySurfaceAsync();

        Assert.Equal(["facebook"], view.ExpiringInList);
        Assert.Equal(["facebook"], view.ExpiringInStatus);
        Assert.Equal(["facebook"], view.ExpiringFromService.Select(connection => connection.Provider));
        Assert.Equal(facebookEnd, view.ExpiringFromService[0].ExpiresAt, TimeSpan.FromSeconds(1));
        var notice = Assert.Single(view.Notices);
        Assert.Equal((ReauthNotificationKind.ExpiringWithoutRefresh, ids["facebook"]), (notice.Kind, notice.ConnectionId));
        Assert.Equal(facebookEnd, notice.ExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.All(Providers, name => Assert.Equal(("Active", (string?)null), view.ListStates[name]));
        Assert.All(Providers, name => Assert.Equal((OAuthConnectionState.Active, ReauthReason.None), view.StatusStates[name]));
        Assert.All(backchannels.Values, handler => Assert.Empty(handler.Requests));
    }

    [Fact]
    public async Task Once_the_Facebook_grant_has_ended_every_surface_says_reconnect_and_Facebook_is_not_asked_to_renew_it()
    {
        clock.Advance(TimeSpan.FromDays(4));

        var view = await ReadEverySurfaceAsync();

        Assert.Empty(view.ExpiringInList);
        Assert.Empty(view.ExpiringInStatus);
        Assert.Empty(view.ExpiringFromService);
        Assert.Equal(("ReauthRequired", "RefreshTokenExpired"), view.ListStates["facebook"]);
        Assert.Equal((OAuthConnectionState.ReauthRequired, ReauthReason.RefreshTokenExpired), view.StatusStates["facebook"]);
        var notice = Assert.Single(view.Notices);
        Assert.Equal((ReauthNotificationKind.ReauthRequired, ids["facebook"], ReauthReason.RefreshTokenExpired), (notice.Kind, notice.ConnectionId, notice.Reason));
        foreach (var other in new[] { "youtube", "github" })
        {
            Assert.Equal(("Active", (string?)null), view.ListStates[other]);
            Assert.Equal((OAuthConnectionState.Active, ReauthReason.None), view.StatusStates[other]);
        }

        Assert.All(backchannels.Values, handler => Assert.Empty(handler.Requests)); // an expired token cannot be exchanged
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(Owner, "facebook", Ct);
        Assert.Equal((TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired), (result.Status, result.Reason));
    }

    [Fact]
    public async Task A_Facebook_token_in_its_last_minutes_is_exchanged_for_a_new_long_lived_one()
    {
        // Modelled on https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
        backchannels["facebook"].Reply(HttpStatusCode.OK, "{\"access_token\":\"EAAnew\",\"token_type\":\"bearer\",\"expires_in\":5183944}");
        clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(2));

        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(Owner, "facebook", Ct);

        Assert.Equal((TokenStatus.Refreshed, "EAAnew"), (result.Status, result.AccessToken));
        var exchange = backchannels["facebook"].Single;
        Assert.Equal("fb_exchange_token", exchange.Query["grant_type"]);
        Assert.Equal("facebook-access", exchange.Query["fb_exchange_token"]);
        Assert.Equal(clock.GetUtcNow().AddSeconds(5183944), result.ExpiresAt!.Value, TimeSpan.FromSeconds(1));
    }

    private async Task<SurfaceView> ReadEverySurfaceAsync()
    {
        var list = (await client.GetFromJsonAsync<ListEntry[]>("/oauth2/", Json, Ct))!;
        var status = (await client.GetFromJsonAsync<OAuthProviderStatus[]>("/status", Json, Ct))!;
        await using var scope = app.Services.CreateAsyncScope();
        var expiring = await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetExpiringConnectionsAsync(Owner, cancellationToken: Ct);
        await app.Services.GetRequiredService<BackgroundTokenRefresher>().RunOnceAsync(Ct);

        // The sweep's notices and outcomes are in; read the surfaces again after it, which must not have changed them.
        var listAfter = (await client.GetFromJsonAsync<ListEntry[]>("/oauth2/", Json, Ct))!;
        var statusAfter = (await client.GetFromJsonAsync<OAuthProviderStatus[]>("/status", Json, Ct))!;
        Assert.Equal(list.Select(entry => (entry.Provider, entry.Status, entry.Reason, entry.ExpiresSoon)), listAfter.Select(entry => (entry.Provider, entry.Status, entry.Reason, entry.ExpiresSoon)));
        Assert.Equal(status.Select(entry => (entry.Provider, entry.State, entry.Reason, entry.ExpiresSoon)), statusAfter.Select(entry => (entry.Provider, entry.State, entry.Reason, entry.ExpiresSoon)));

        return new SurfaceView(
            [.. list.Where(entry => entry.ExpiresSoon).Select(entry => entry.Provider)],
            [.. status.Where(entry => entry.ExpiresSoon).Select(entry => entry.Provider)],
            expiring,
            [.. notifier.Received],
            list.ToDictionary(entry => entry.Provider, entry => (entry.Status, entry.Reason)),
            status.ToDictionary(entry => entry.Provider, entry => (entry.State, entry.Reason)));
    }

    private async Task<Guid> SeedAsync(string provider, DateTimeOffset? accessExpiresAt, string? refreshToken)
    {
        var protector = app.Services.GetRequiredService<ITokenProtector>();
        var now = clock.GetUtcNow();
        var row = new OAuthToken
        {
            Id = Guid.NewGuid(),
            OwnerId = Owner,
            Provider = provider,
            ProviderUserId = $"{provider}-account",
            DisplayName = $"{provider} account",
            EncryptedAccessToken = protector.Protect($"{provider}-access"),
            EncryptedRefreshToken = refreshToken is null ? null : protector.Protect(refreshToken),
            AccessTokenExpiresAt = accessExpiresAt,
            TokenType = "Bearer",
            CreatedAt = now,
            UpdatedAt = now,
            AuthorizedAt = now,
        };
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync(row, Ct);
        return row.Id;
    }

    private sealed record ListEntry(string Provider, string Status, string? Reason, bool ExpiresSoon);

    private sealed record SurfaceView(
        string[] ExpiringInList,
        string[] ExpiringInStatus,
        IReadOnlyList<ExpiringConnection> ExpiringFromService,
        ReauthNotificationContext[] Notices,
        Dictionary<string, (string Status, string? Reason)> ListStates,
        Dictionary<string, (OAuthConnectionState State, ReauthReason Reason)> StatusStates);
}

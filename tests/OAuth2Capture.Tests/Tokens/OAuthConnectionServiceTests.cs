using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Providers.Revocation;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Tokens;

/// <summary><see cref="IOAuthConnectionService"/> from DI, against the DevProvider over HTTP on 127.0.0.1 and a real SQLite file.</summary>
public sealed class OAuthConnectionServiceTests : IAsyncLifetime
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
    public async Task Disconnect_of_own_connection_revokes_at_the_provider_and_deletes_the_row()
    {
        var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);

        var result = await DisconnectAsync(app, "user-1", id);

        Assert.True(result.Found);
        Assert.Equal(id, result.ConnectionId);
        Assert.Equal(CaptureHarness.Provider, result.Provider);
        Assert.Equal("DevProvider", result.ProviderDisplayName);
        Assert.Equal(RevocationStatus.Revoked, result.Revocation.Status);
        Assert.Null(await app.ReadRowAsync(id));
        Assert.True(dev.Stats.RevocationRequests >= 1);
        using var refresh = await DevProviderFlow.RefreshAsync(dev, tokens.RefreshToken!, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Contains("invalid_grant", await refresh.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var log = Assert.Single(app.Logs.GetSnapshot(), record => record.Id.Id == 1010);
        Assert.Equal("ConnectionRevoked", log.Id.Name);
        Assert.Equal(LogLevel.Information, log.Level);
    }

    [Fact]
    public async Task Disconnect_of_another_users_connection_is_not_found_and_never_touches_it()
    {
        var (id, tokens) = await app.ConnectAsync("user-1", "alice", Ct);
        var before = await app.ReadRowAsync(id);

        var result = await DisconnectAsync(app, "user-2", id);

        Assert.False(result.Found);
        Assert.Equal(id, result.ConnectionId);
        Assert.Null(result.Revocation);
        var after = await app.ReadRowAsync(id);
        Assert.NotNull(after);
        Assert.Equal(before!.ConcurrencyToken, after.ConcurrencyToken);
        Assert.Equal(0, dev.Stats.RevocationRequests);
        using var refresh = await DevProviderFlow.RefreshAsync(dev, tokens.RefreshToken!, Ct);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
    }

    [Fact]
    public async Task Disconnect_of_an_unknown_id_is_not_found()
    {
        await app.ConnectAsync("user-1", "alice", Ct);
        var unknown = Guid.NewGuid();

        var result = await DisconnectAsync(app, "user-1", unknown);

        Assert.False(result.Found);
        Assert.Equal(unknown, result.ConnectionId);
        Assert.Equal(0, dev.Stats.RevocationRequests);
    }

    [Theory]
    [InlineData("refuses")] // a wrong client secret: the provider rejects the revocation request's client authentication
    [InlineData("is unreachable")]
    public async Task Disconnect_when_the_provider_cannot_be_told_deletes_the_row_and_says_so(string failure)
    {
        await using var broken = await CaptureHarness.StartAsync(dev, options =>
        {
            var provider = options.Providers[CaptureHarness.Provider];
            if (failure == "refuses")
            {
                provider.ClientSecret = "not-the-secret";
            }
            else
            {
                provider.RevocationEndpoint = "http://127.0.0.1:9/revoke";
            }
        });
        var (id, tokens) = await broken.ConnectAsync("user-1", "alice", Ct);

        var result = await DisconnectAsync(broken, "user-1", id);

        Assert.True(result.Found);
        Assert.Equal(RevocationStatus.Failed, result.Revocation.Status);
        Assert.False(result.Revocation.IsRevoked);
        Assert.Contains("DevProvider", result.Revocation.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken!, result.Revocation.Description, StringComparison.Ordinal);
        Assert.Null(await broken.ReadRowAsync(id));
        using var refresh = await DevProviderFlow.RefreshAsync(dev, tokens.RefreshToken!, Ct);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode); // the grant is still live at the provider
    }

    private static async Task<DisconnectResult> DisconnectAsync(CaptureHarness harness, string owner, Guid id)
    {
        await using var scope = harness.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOAuthConnectionService>().DisconnectAsync(owner, id, Ct);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Examples;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Docs;

/// <summary>
/// The background-refresh page's registration and e-mail notifier, run as written: the app built by
/// <see cref="BackgroundRefreshExample.AddBackgroundRefreshExample"/>, a grant revoked at the DevProvider, and the mail
/// that lands in the outbox.
/// </summary>
public sealed class EmailNotifierExampleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmailNotifier_example_queues_a_reconnect_mail_with_the_public_link_when_a_connection_dies()
    {
        await using var dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        var databasePath = Path.Combine(Path.GetTempPath(), $"oauth2capture-email-example-{Guid.NewGuid():N}.db");
        var clock = new ShiftableTimeProvider();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Email:PublicOrigin"] = "https://app.example.com/" });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();

        builder.AddBackgroundRefreshExample();
        builder.Services.Configure<OAuth2CaptureOptions>(options => DevProviderTestSettings.Apply(options, dev, databasePath));

        await using var app = builder.Build();
        await app.StartAsync(Ct);
        try
        {
            var (id, _) = await DevConnection.CreateAsync(app.Services, dev, "user-1", "alice", clock.GetUtcNow(), Ct);
            await dev.Faults.RevokeGrantAsync("alice", Ct);
            clock.Advance(TimeSpan.FromHours(2));

            await using (var scope = app.Services.CreateAsyncScope())
            {
                var result = await scope.ServiceProvider.GetRequiredService<ITokenValidityService>().GetValidTokenAsync("user-1", CaptureHarness.Provider, Ct);
                Assert.Equal(TokenStatus.ReauthRequired, result.Status);
                Assert.Equal(id, result.ConnectionId);
            }

            var outbox = app.Services.GetRequiredService<QueuedEmailOutbox>();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            var mail = await outbox.Reader.ReadAsync(wait.Token);
            Assert.Equal("user-1", mail.OwnerId);
            Assert.Equal("Please reconnect DevProvider", mail.Subject);
            Assert.Contains("(Revoked)", mail.Body, StringComparison.Ordinal);
            Assert.EndsWith("Reconnect: https://app.example.com/oauth2/dev/connect", mail.Body, StringComparison.Ordinal);
            Assert.False(outbox.Reader.TryRead(out _)); // once per transition
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(databasePath);
        }
    }
}

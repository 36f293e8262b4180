using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Providers;

/// <summary>
/// Every provider answer the library reads is bounded in size, JSON depth and time: a real HTTP server on 127.0.0.1
/// (<see cref="HostileProvider"/>) answers 50 MB, a body that never ends and JSON nested 10,000 deep on the token,
/// user-info, introspection and revocation endpoints. Each call ends within its bounds with an error naming the provider.
/// </summary>
public sealed class HostileProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan BodyTimeout = TimeSpan.FromSeconds(1);

    // The slowest legitimate path: a retried 502 (three attempts) plus reading; far below the 100 s an unbounded read allowed.
    private static readonly TimeSpan Bound = DevProviderTestSettings.TotalTimeout + TimeSpan.FromSeconds(4);

    private DevProviderServer dev = null!;
    private HostileProvider hostile = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        hostile = await HostileProvider.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await hostile.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Theory(Timeout = 60_000)]
    [InlineData("HugeChunked", TokenStatus.ReauthRequired, "DevProvider answered HTTP 200 with a body larger than 1 MiB; it was not read (OAuth2Capture:Resilience:MaxResponseSize).")]
    [InlineData("HugeDeclared", TokenStatus.ReauthRequired, "DevProvider answered HTTP 200 with a body larger than 1 MiB; it was not read (OAuth2Capture:Resilience:MaxResponseSize).")]
    [InlineData("DeepJson", TokenStatus.ReauthRequired, "DevProvider answered HTTP 200 with JSON nested deeper than 64 levels; it was not read (OAuth2Capture:Resilience:MaxResponseJsonDepth).")]
    [InlineData("Drip", TokenStatus.TemporarilyUnavailable, "DevProvider answered HTTP 200 but did not finish sending the body within 1 s (OAuth2Capture:Resilience:ResponseBodyTimeout).")]
    [InlineData("HugeBadGateway", TokenStatus.TemporarilyUnavailable, "DevProvider answered HTTP 502 with a body larger than 1 MiB; it was not read (OAuth2Capture:Resilience:MaxResponseSize).")]
    public async Task Refresh_against_a_hostile_token_endpoint_ends_in_time_with_an_error_naming_the_provider(string answer, TokenStatus expected, string description)
    {
        await using var harness = await StartAsync();
        var (id, _) = await harness.ConnectAsync("user-1", "alice", TestContext.Current.CancellationToken);
        harness.ExpireAccessTokens();
        hostile.Answer = Enum.Parse<HostileAnswer>(answer);

        var watch = Stopwatch.StartNew();
        var result = await harness.GetAsync("user-1", TestContext.Current.CancellationToken);

        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
        Assert.Equal(expected, result.Status);
        Assert.Equal(description, result.ErrorDescription);
        if (expected == TokenStatus.ReauthRequired)
        {
            // Repeats on every retry, and nothing on the app's side caused it: the user reconnects.
            Assert.Equal(ReauthReason.ProviderRejected, result.Reason);
        }

        var row = await harness.ReadRowAsync(id);
        Assert.Equal(description, row!.LastError);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("HugeChunked", "DevProvider answered HTTP 200 with a body larger than 1 MiB")]
    [InlineData("DeepJson", "DevProvider answered HTTP 200 with JSON nested deeper than 64 levels")]
    [InlineData("Drip", "DevProvider answered HTTP 200 but did not finish sending the body within 1 s")]
    public async Task Introspection_against_a_hostile_endpoint_ends_in_time_as_unknown_naming_the_provider(string answer, string detail)
    {
        await using var harness = await StartAsync();
        var (id, _) = await harness.ConnectAsync("user-1", "alice", TestContext.Current.CancellationToken);
        hostile.Answer = Enum.Parse<HostileAnswer>(answer);

        var watch = Stopwatch.StartNew();
        var verdict = await harness.WithServiceAsync(service => service.ValidateWithProviderAsync(id, TestContext.Current.CancellationToken));

        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
        Assert.Equal(TokenValidationState.Unknown, verdict.State);
        Assert.StartsWith(detail, verdict.Detail, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("Drip")]
    [InlineData("HugeChunked")]
    public async Task Disconnect_against_a_hostile_revocation_endpoint_reads_only_the_status_and_deletes_the_row(string answer)
    {
        await using var harness = await StartAsync();
        var (id, _) = await harness.ConnectAsync("user-1", "alice", TestContext.Current.CancellationToken);
        hostile.Answer = Enum.Parse<HostileAnswer>(answer);

        var watch = Stopwatch.StartNew();
        DisconnectResult result;
        await using (var scope = harness.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<IOAuthConnectionService>().DisconnectAsync("user-1", id, TestContext.Current.CancellationToken);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.True(result.Revocation!.IsRevoked, result.Revocation.Description); // RFC 7009: the 200 is the answer
        Assert.Null(await harness.ReadRowAsync(id));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("userinfo", "HugeChunked", HttpStatusCode.BadGateway, "code_exchange_failed", "Asked who the account is: DevProvider answered HTTP 200 with a body larger than 1 MiB")]
    [InlineData("userinfo", "DeepJson", HttpStatusCode.BadGateway, "code_exchange_failed", "Asked who the account is: DevProvider answered HTTP 200 with JSON nested deeper than 64 levels")]
    [InlineData("userinfo", "Drip", HttpStatusCode.ServiceUnavailable, "provider_unavailable", "Asked who the account is: DevProvider answered HTTP 200 but did not finish sending the body within 1 s")]
    [InlineData("token", "HugeChunked", HttpStatusCode.BadGateway, "code_exchange_failed", "DevProvider answered HTTP 200 with a body larger than 1 MiB")]
    [InlineData("token", "Drip", HttpStatusCode.ServiceUnavailable, "provider_unavailable", "DevProvider answered HTTP 200 but did not finish sending the body within 1 s")]
    public async Task Connect_against_a_hostile_endpoint_ends_in_time_with_a_page_naming_the_provider_and_stores_nothing(
        string endpoint, string answer, HttpStatusCode status, string code, string detail)
    {
        await using var app = await ConnectAppHarness.StartAsync(dev, options =>
        {
            var provider = options.Providers[CaptureHarness.Provider];
            if (endpoint == "token")
            {
                provider.TokenEndpoint = hostile.Endpoint("token");
            }
            else
            {
                provider.UserInformationEndpoint = hostile.Endpoint("userinfo");
            }

            options.Resilience.ResponseBodyTimeout = BodyTimeout;
        });
        using var browser = new Browser();
        await app.SignInAsync(browser, "user-1", TestContext.Current.CancellationToken);
        hostile.Answer = Enum.Parse<HostileAnswer>(answer);

        var watch = Stopwatch.StartNew();
        using var response = await app.ConnectAsync(browser, "alice", "/page", TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Contains($"Error code: {code}", body, StringComparison.Ordinal);
        Assert.Contains(detail, body, StringComparison.Ordinal);
        Assert.Empty(await app.ConnectionsOfAsync("user-1"));
    }

    private Task<CaptureHarness> StartAsync() => CaptureHarness.StartAsync(dev, options =>
    {
        var provider = options.Providers[CaptureHarness.Provider];
        provider.TokenEndpoint = hostile.Endpoint("token");
        provider.IntrospectionEndpoint = hostile.Endpoint("introspect");
        provider.RevocationEndpoint = hostile.Endpoint("revoke");
        options.Resilience.ResponseBodyTimeout = BodyTimeout;
    });
}

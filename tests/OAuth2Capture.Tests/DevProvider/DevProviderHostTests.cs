using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider.Host;

namespace OAuth2Capture.Tests.DevProvider;

/// <summary>
/// The stand-alone DevProvider (<c>tools/OAuth2Capture.DevProvider.Host</c>), started as its command line would: it serves
/// discovery, shows a person its consent page, takes the control API, and prints configuration that matches what it serves.
/// </summary>
public sealed class DevProviderHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stand_alone_host_serves_the_flow_a_person_approves_and_prints_the_apps_configuration_for_it()
    {
        await using var app = DevProviderHost.Build(["--urls", "http://127.0.0.1:0", "--redirect-uri", "http://localhost:5000/oauth2/dev/callback", "--client-id", "my-app"]);
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address + "/") };

        var discovery = await http.GetFromJsonAsync<JsonElement>(".well-known/openid-configuration", Ct);
        var printed = DevProviderHost.Describe(app);
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "revocation_endpoint", "introspection_endpoint" })
        {
            Assert.Contains($"\"{discovery.GetProperty(endpoint).GetString()}\"", printed, StringComparison.Ordinal);
        }

        Assert.Contains("\"ClientId\": \"my-app\"", printed, StringComparison.Ordinal);

        // A person approves: the consent page, not an automatic redirect; the registered redirect URI is accepted.
        using var consent = await http.GetAsync("connect/authorize?client_id=my-app&response_type=code&scope=openid%20offline_access&redirect_uri="
            + Uri.EscapeDataString("http://localhost:5000/oauth2/dev/callback") + "&code_challenge=" + new string('a', 43) + "&code_challenge_method=S256&state=s", Ct);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.Contains("Approve", await consent.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var reset = await http.PostAsync("dev/reset", null, Ct);
        Assert.True(reset.IsSuccessStatusCode);
        await app.StopAsync(Ct);
    }
}

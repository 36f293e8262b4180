using Microsoft.Extensions.Hosting;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Registers the default client and <see cref="DevProviderOptions.AdditionalClients"/> when the host starts.</summary>
internal sealed class DevProviderSeeder(DevProviderClientRegistrar registrar, DevProviderOptions options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await registrar.RegisterDefaultClientAsync(cancellationToken).ConfigureAwait(false);
        foreach (var client in options.AdditionalClients)
        {
            await registrar.RegisterAsync(client, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

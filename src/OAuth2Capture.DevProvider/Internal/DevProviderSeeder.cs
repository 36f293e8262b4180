using Microsoft.Extensions.Hosting;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Registers the default client when the host starts.</summary>
internal sealed class DevProviderSeeder(DevProviderClientRegistrar registrar) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => registrar.RegisterDefaultClientAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Creates or updates client applications (and any scope the server does not know yet).</summary>
internal sealed class DevProviderClientRegistrar(
    IServiceScopeFactory scopeFactory, DevProviderOptions options, ILogger<DevProviderClientRegistrar> logger)
{
    public IReadOnlyList<string> KnownScopes { get; } =
        [.. DevProviderOptions.DefaultScopes.Union(options.AdditionalScopes, StringComparer.Ordinal)];

    public Task RegisterDefaultClientAsync(CancellationToken cancellationToken)
    {
        var client = new DevClient { ClientId = options.ClientId, ClientSecret = options.ClientSecret };
        foreach (var uri in options.RedirectUris)
        {
            client.RedirectUris.Add(uri);
        }

        return RegisterAsync(client, cancellationToken);
    }

    public async Task RegisterAsync(DevClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(client.ClientId);

        var scopes = client.Scopes.Count == 0 ? KnownScopes : [.. client.Scopes.Distinct(StringComparer.Ordinal)];
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.ClientSecret,
            ClientType = client.ClientSecret is null ? ClientTypes.Public : ClientTypes.Confidential,
            DisplayName = client.DisplayName ?? client.ClientId,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            },
        };
        if (client.ClientSecret is null)
        {
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }
        else
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }

        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        var serviceScope = scopeFactory.CreateAsyncScope();
        await using (serviceScope.ConfigureAwait(false))
        {
            var scopeManager = serviceScope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
            foreach (var name in scopes.Except(KnownScopes, StringComparer.Ordinal))
            {
                if (await scopeManager.FindByNameAsync(name, cancellationToken).ConfigureAwait(false) is null)
                {
                    await scopeManager.CreateAsync(new OpenIddictScopeDescriptor { Name = name }, cancellationToken).ConfigureAwait(false);
                }
            }

            var applications = serviceScope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken).ConfigureAwait(false);
            }
        }

        DevProviderLog.ClientRegistered(logger, client.ClientId);
    }
}

using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>
/// Stamps the current lifetimes (<see cref="DevProviderFaults.SetLifetimes"/>) on every principal signed in, at the
/// authorization endpoint and for the code and refresh grants alike.
/// </summary>
internal sealed class DevProviderLifetimeHandler(DevProviderFaults faults) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler(static provider => new DevProviderLifetimeHandler(
                (DevProviderFaults)provider.GetService(typeof(DevProviderFaults))!))
            .SetOrder(OpenIddictServerHandlers.ValidateSignInDemand.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Principal?
            .SetAccessTokenLifetime(faults.AccessTokenLifetime)
            .SetRefreshTokenLifetime(faults.RefreshTokenLifetime);
        return default;
    }
}

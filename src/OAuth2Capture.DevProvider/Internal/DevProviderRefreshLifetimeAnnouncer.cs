using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>
/// Adds <c>refresh_token_expires_in</c> (seconds) to token responses that carry a refresh token, as LinkedIn, Pinterest
/// and GitHub Apps do, when <see cref="DevProviderOptions.AnnounceRefreshTokenLifetime"/> is set: the client then knows
/// when the user will have to reconnect.
/// </summary>
internal sealed class DevProviderRefreshLifetimeAnnouncer(DevProviderFaults faults) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler(static provider => new DevProviderRefreshLifetimeAnnouncer(
                (DevProviderFaults)provider.GetService(typeof(DevProviderFaults))!))
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrEmpty(context.Response.RefreshToken))
        {
            context.Response["refresh_token_expires_in"] = (long)faults.RefreshTokenLifetime.TotalSeconds;
        }

        return default;
    }
}

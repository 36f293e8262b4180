using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider.Internal;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OAuth2Capture.DevProvider.Endpoints;

/// <summary>The user-info endpoint (passthrough): <c>sub</c>, <c>name</c>, <c>preferred_username</c> and <c>email</c>.</summary>
internal static class DevProviderUserInfoEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (result.Principal?.GetClaim(Claims.Subject) is not { Length: > 0 } subject)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The specified access token is not valid.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var user = DevUserDirectory.Describe(subject);
        var faults = context.RequestServices.GetRequiredService<DevProviderFaults>();
        return Results.Json(new Dictionary<string, string>
        {
            [Claims.Subject] = user.Subject,
            [Claims.Name] = faults.DisplayNameOf(subject) ?? user.Name,
            [Claims.PreferredUsername] = user.Subject,
            [Claims.Email] = user.Email,
        });
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture;
using OAuth2Capture.Http;
using OAuth2Capture.Http.ConnectFlow;
using OAuth2Capture.Http.Endpoints;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps OAuth2Capture's endpoints.</summary>
public static class OAuth2CaptureEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <see cref="OAuth2CaptureOptions.PathPrefix"/> (default <c>/oauth2</c>):
    /// <c>GET {provider}/connect?returnUrl=…</c> (connect and re-auth), <c>GET /</c> (the user's connections, JSON or HTML)
    /// and <c>POST {id}/revoke</c>. The callback, <c>GET {provider}/callback</c>, is served by the authentication middleware
    /// (one OAuth scheme per provider); a callback for an unknown provider answers 404 here.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <returns>The route group, to add conventions (for example <c>RequireAuthorization()</c>).</returns>
    /// <exception cref="InvalidOperationException">The app registers no authentication scheme of its own, so no user can sign in.</exception>
    public static RouteGroupBuilder MapOAuth2Capture(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        AppSignInSchemes.EnsureAppSignsUsersIn(
            services.GetRequiredService<IOptions<AuthenticationOptions>>().Value,
            services.GetRequiredService<ILogger<AppSignInSchemes>>());
        var prefix = services.GetRequiredService<IOptions<OAuth2CaptureOptions>>().Value.PathPrefix;
        var group = endpoints.MapGroup(prefix);
        group.AddEndpointFilter(StoreOutage.FilterAsync);
        group.MapGet(OAuth2CaptureRoutes.ListTemplate, ListEndpoint.HandleAsync).WithName(OAuth2CaptureRoutes.ListName);
        group.MapGet(OAuth2CaptureRoutes.ConnectTemplate, ConnectEndpoint.HandleAsync).WithName(OAuth2CaptureRoutes.ConnectName);
        group.MapGet(OAuth2CaptureRoutes.CallbackTemplate, (string provider) => Errors.UnknownProvider(provider)).WithName(OAuth2CaptureRoutes.CallbackName);
        group.MapPost(OAuth2CaptureRoutes.RevokeTemplate, RevokeEndpoint.HandleAsync).WithName(OAuth2CaptureRoutes.RevokeName).DisableAntiforgery();
        return group;
    }
}

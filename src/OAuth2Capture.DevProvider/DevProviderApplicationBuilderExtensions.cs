using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider;
using OAuth2Capture.DevProvider.Endpoints;
using OAuth2Capture.DevProvider.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Adds the dev provider's request pipeline to an application whose services were set up with
/// <c>AddOAuth2CaptureDevProvider</c>.
/// </summary>
public static class DevProviderApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the fault-switch middleware, then authentication (where OpenIddict answers the code and refresh grants),
    /// routing and the endpoints: <c>connect/authorize</c>, <c>connect/token</c>, <c>connect/revoke</c>,
    /// <c>connect/introspect</c>, <c>connect/userinfo</c>, the protected API under <c>api/</c> and the loopback-only
    /// control API under <c>dev/</c>.
    /// </summary>
    /// <remarks>
    /// To embed the provider under a path prefix, call it on a branch: <c>app.Map("/oauth", b => b.UseOAuth2CaptureDevProvider())</c>;
    /// OpenIddict resolves its endpoint paths against the request's path base.
    /// </remarks>
    /// <param name="app">The application.</param>
    /// <returns>The same <paramref name="app"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is null.</exception>
    public static IApplicationBuilder UseOAuth2CaptureDevProvider(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var faults = services.GetRequiredService<DevProviderFaults>();
        var stats = services.GetRequiredService<DevProviderStats>();
        var tokens = services.GetRequiredService<DevProviderTokenOperations>();
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var clock = services.GetRequiredService<DevProviderOptions>().TimeProvider ?? services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILogger<DevProviderFaultMiddleware>>();

        app.Use(next => new DevProviderFaultMiddleware(next, faults, stats, tokens, lifetime, clock, logger).InvokeAsync);
        app.UseAuthentication();
        app.UseRouting();
        app.UseEndpoints(static endpoints =>
        {
            endpoints.MapMethods("/" + DevProviderPaths.Authorization, [HttpMethods.Get, HttpMethods.Post], (Delegate)DevProviderAuthorizationEndpoint.HandleAsync);
            endpoints.MapMethods("/" + DevProviderPaths.UserInfo, [HttpMethods.Get, HttpMethods.Post], (Delegate)DevProviderUserInfoEndpoint.HandleAsync);
            DevProviderApiEndpoints.Map(endpoints);
            DevProviderControlEndpoints.Map(endpoints);
        });
        return app;
    }
}

using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Http;

namespace OAuth2Capture.Examples;

/// <summary>The five-minute setup of docs/getting-started.md.</summary>
public static class GettingStarted
{
    /// <summary>The app's own sign-in, which OAuth2Capture needs: here cookies, with the app's login page at <c>/login</c>.</summary>
    /// <param name="builder">The app's builder.</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder AddAppSignIn(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // <snippet:getting-started-sign-in>
        // Your app's own sign-in: OAuth2Capture stores tokens for the user it signs in. Cookies here; ASP.NET Core
        // Identity or OpenID Connect work the same way. Your /login page calls HttpContext.SignInAsync for the user.
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options => options.LoginPath = "/login");
        builder.Services.AddAuthorization();
        // </snippet:getting-started-sign-in>
        return builder;
    }

    /// <summary>Registers OAuth2Capture from the <c>OAuth2Capture</c> configuration section.</summary>
    /// <param name="builder">The app's builder (its own sign-in already configured).</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder AddConnectedAccounts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // <snippet:getting-started-services>
        // Your app already signs its users in (cookies, Identity, OpenID Connect...): OAuth2Capture needs that user.
        builder.Services.AddOAuth2Capture(builder.Configuration.GetSection("OAuth2Capture"));
        // </snippet:getting-started-services>
        return builder;
    }

    /// <summary>Maps the connect, callback, list and revoke endpoints and a settings page with a connect link.</summary>
    /// <param name="app">The app.</param>
    /// <returns>The app.</returns>
    public static WebApplication UseConnectedAccounts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // <snippet:getting-started-pipeline>
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOAuth2Capture(); // after authentication: connection status per request, and the answer to an escaping OAuthTokenException
        app.MapOAuth2Capture(); // GET /oauth2/{provider}/connect, /oauth2/{provider}/callback, GET /oauth2/, POST /oauth2/{id}/revoke
        // </snippet:getting-started-pipeline>
        app.MapSettingsPage();
        return app;
    }

    /// <summary>A page with a "Connect GitHub" link that comes back to the page.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <param name="provider">The provider to link to.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapSettingsPage(this IEndpointRouteBuilder app, string provider = "github")
    {
        // <snippet:getting-started-connect-link>
        app.MapGet("/settings", (HttpContext context) =>
        {
            // /oauth2/github/connect?returnUrl=%2Fsettings: the user approves at GitHub and lands back here.
            var connectUrl = context.GetConnectUrl(provider, returnUrl: "/settings");
            return Results.Content($"<a href=\"{connectUrl}\">Connect GitHub</a>", "text/html");
        }).RequireAuthorization();
        // </snippet:getting-started-connect-link>
        return app;
    }
}

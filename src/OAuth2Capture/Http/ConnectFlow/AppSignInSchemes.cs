using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>
/// The app's own authentication schemes (its sign-in), as opposed to the OAuth scheme per provider that the library
/// adds. The framework makes a lone registered scheme the app's default; counting ours would take that default away
/// from an app that writes <c>AddAuthentication().AddCookie()</c>, and hand it to ours in an app with no sign-in.
/// </summary>
internal sealed partial class AppSignInSchemes : IPostConfigureOptions<AuthenticationOptions>
{
    /// <summary>The framework's own switch that turns its lone-scheme default off; honoured here too.</summary>
    private const string SuppressAutoDefaultSchemeSwitch = "Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme";

    public static string[] Of(AuthenticationOptions options)
        => [.. options.Schemes.Where(scheme => scheme.HandlerType != typeof(OAuth2CaptureOAuthHandler)).Select(scheme => scheme.Name)];

    /// <summary>Gives the app's lone scheme the default it would have had without the library's schemes.</summary>
    public void PostConfigure(string? name, AuthenticationOptions options)
    {
        if (options.DefaultScheme is null
            && !(AppContext.TryGetSwitch(SuppressAutoDefaultSchemeSwitch, out var suppressed) && suppressed)
            && Of(options) is [var only])
        {
            options.DefaultScheme = only;
        }
    }

    /// <summary>
    /// Fails start-up when the app cannot sign anybody in (connections belong to the signed-in user), and warns when it
    /// signs users in but names no default scheme, so that the library's endpoints would see nobody.
    /// </summary>
    public static void EnsureAppSignsUsersIn(AuthenticationOptions options, ILogger logger)
    {
        var schemes = Of(options);
        if (schemes.Length == 0)
        {
            throw new InvalidOperationException(
                "OAuth2Capture stores tokens for the signed-in user of the app, but the app registers no authentication scheme "
                + "of its own, so nobody can sign in. Register the app's sign-in before MapOAuth2Capture(), for example "
                + "builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie() "
                + "(or ASP.NET Core Identity, or OpenID Connect); see docs/getting-started.md.");
        }

        if ((options.DefaultScheme ?? options.DefaultAuthenticateScheme) is null)
        {
            Log.NoDefaultScheme(logger, string.Join(", ", schemes));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1005, EventName = "NoDefaultAuthenticationScheme", Level = LogLevel.Warning,
            Message = "The app registers several authentication schemes ({Schemes}) and names no default, so OAuth2Capture's endpoints see a signed-in user only where the group returned by MapOAuth2Capture() requires one (RequireAuthorization with the scheme). Name the sign-in scheme: AddAuthentication(\"YourScheme\").")]
        public static partial void NoDefaultScheme(ILogger logger, string schemes);
    }
}

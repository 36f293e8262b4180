using Microsoft.AspNetCore.Mvc.Filters;

namespace OAuth2Capture.Http;

/// <summary>
/// Requires a usable token of a provider before an MVC action, a controller's actions or a Razor Page's handlers run.
/// The token is then available from <c>HttpContext.GetOAuthToken("github")</c>. For minimal APIs use
/// <c>.RequireOAuthToken("github")</c> on the endpoint.
/// </summary>
/// <remarks>
/// <para>When there is no usable token:</para>
/// <list type="bullet">
/// <item>an anonymous user gets the app's authentication challenge (its login page or a 401);</item>
/// <item>a browser (HTML <c>Accept</c>, no <c>X-Requested-With</c>) whose user must connect or reconnect is redirected
/// (302) to <c>{PathPrefix}/{provider}/connect?returnUrl={current URL}</c> or to <see cref="RedirectTo"/>, with a
/// friendly message from <see cref="Reauth.IReauthMessageProvider"/> in TempData under
/// <see cref="OAuth2CaptureDefaults.TempDataMessageKey"/> (when MVC or Razor Pages is registered) and on
/// <see cref="IOAuthStatusFeature.ReauthMessage"/>;</item>
/// <item>an API caller gets <b>403</b> problem details (<c>urn:oauth2capture:problem:reauth_required</c> or
/// <c>…:not_connected</c>) with <c>provider</c>, <c>reason</c> and <c>reauthUrl</c>, and a <c>WWW-Authenticate</c>
/// header carrying the same URL. 403, not 401: a 401 would tell the app's own front end that the user's session with
/// the app ended, and it would sign them out; the user is signed in and only a third-party grant is missing
/// (Microsoft.Identity.Web answers its consent challenge the same way);</item>
/// <item>a provider that is down or rate limiting gives 503 with <c>Retry-After</c>, and a rejected app configuration
/// gives 500 with an operator-facing error log; neither sends the user to reconnect.</item>
/// </list>
/// <para>On Razor Pages put it on the <c>PageModel</c> class: Razor Pages ignore filters on handler methods.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequireOAuthTokenAttribute : Attribute, IFilterFactory, IOrderedFilter
{
    /// <summary>Initializes a new instance requiring a usable token of <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider name, for example <c>github</c>.</param>
    public RequireOAuthTokenAttribute(string provider)
        : this(provider, [])
    {
    }

    /// <summary>Initializes a new instance requiring a token of <paramref name="provider"/> granted <paramref name="scopes"/>, for example <c>[RequireOAuthToken("github", "repo")]</c>.</summary>
    /// <param name="provider">The provider name, for example <c>github</c>.</param>
    /// <param name="scopes">The scopes the action needs (see <see cref="Scopes"/>).</param>
    public RequireOAuthTokenAttribute(string provider, params string[] scopes)
    {
        Provider = string.IsNullOrEmpty(provider) ? throw new ArgumentException("A provider name is required.", nameof(provider)) : provider;
        Scopes = scopes ?? [];
    }

    /// <summary>Gets the provider name.</summary>
    public string Provider { get; }

    /// <summary>
    /// Gets or sets the scopes the action needs, configured as base scopes or not (scopes in context). A stored token
    /// whose granted scopes lack one is treated as <see cref="ReauthReason.InsufficientScope"/> without calling the
    /// provider: the user is sent to reconnect, and that reconnect asks for the scopes the connection holds plus the
    /// missing ones; the connection stays usable for actions that need less.
    /// <value>Default: none (any usable token will do).</value>
    /// </summary>
    public string[] Scopes { get; set; }

    /// <summary>
    /// Gets or sets where browsers are redirected instead of the connect URL when the user must (re)connect, for
    /// example an explanation page of the app's own. An app-relative <c>~/</c> path is resolved against the path base.
    /// <value>Default: <see langword="null"/> (the provider's connect URL, coming back to the current URL).</value>
    /// </summary>
    public string? RedirectTo { get; set; }

    /// <summary>Gets or sets the filter's order among the action's other action filters.
    /// <value>Default: 0.</value></summary>
    public int Order { get; set; }

    /// <inheritdoc/>
    public bool IsReusable => true;

    /// <inheritdoc/>
    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) => new RequireOAuthTokenFilter(ToRequirement());

    internal OAuthTokenRequirement ToRequirement() => new(Provider, [.. Scopes], RedirectTo);
}

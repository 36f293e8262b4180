using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OAuth2Capture.Http;

/// <summary>Builds the URLs of OAuth2Capture's endpoints for the current request.</summary>
public static class OAuth2CaptureLinks
{
    /// <summary>Gets the connect (and re-auth) URL of a provider: <c>{PathBase}{PathPrefix}/{provider}/connect?returnUrl=…</c>.</summary>
    /// <param name="context">The current request.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="returnUrl">Where to come back after connecting (local URLs only; others are ignored at connect time).</param>
    /// <returns>The app-relative URL.</returns>
    public static string GetConnectUrl(this HttpContext context, string provider, string? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        var prefix = context.RequestServices.GetRequiredService<IOptions<OAuth2CaptureOptions>>().Value.PathPrefix.TrimEnd('/');
        var url = $"{context.Request.PathBase}{prefix}/{Uri.EscapeDataString(provider.ToLowerInvariant())}/connect";
        return returnUrl is null ? url : $"{url}?returnUrl={Uri.EscapeDataString(returnUrl)}";
    }

    /// <summary>Gets the current request's app-relative URL (path and query), the natural <c>returnUrl</c> of a re-auth.</summary>
    /// <param name="context">The current request.</param>
    /// <returns>The URL.</returns>
    public static string GetCurrentLocalUrl(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;

namespace OAuth2Capture.Http;

/// <summary>
/// The one-time message shown after a redirect ("Your GitHub connection has expired…", "…is reconnected."), kept in
/// TempData under <see cref="Key"/> when the app uses MVC or Razor Pages. Without TempData the message is dropped;
/// apps without MVC read it from their own events instead.
/// </summary>
public static class FlashMessage
{
    /// <summary>The TempData key: <c>OAuth2Capture.Message</c>.</summary>
    public const string Key = OAuth2CaptureDefaults.TempDataMessageKey;

    /// <summary>Stores a message for the next request, when TempData is available.</summary>
    /// <param name="context">The current request.</param>
    /// <param name="message">The message; <see langword="null"/> stores nothing.</param>
    /// <param name="provider">
    /// The provider a "needs reconnecting" message is about, so the banner can drop it once that provider works again;
    /// <see langword="null"/> for news ("…is reconnected."), which clears any earlier provider mark.
    /// </param>
    /// <returns><see langword="true"/> when stored.</returns>
    public static bool Set(HttpContext context, string? message, string? provider = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (message is null || context.RequestServices.GetService<ITempDataDictionaryFactory>() is not { } factory)
        {
            return false;
        }

        var tempData = factory.GetTempData(context);
        tempData[Key] = message;
        if (provider is null)
        {
            tempData.Remove(OAuth2CaptureDefaults.TempDataProviderKey);
        }
        else
        {
            tempData[OAuth2CaptureDefaults.TempDataProviderKey] = provider;
        }

        tempData.Save();
        return true;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ReauthSample.Pages;

/// <summary>What every sample page needs: the signed-in user's id and a one-time message.</summary>
public abstract class SamplePageModel : PageModel
{
    public const string MessageKey = "Sample.Message";

    public string Owner => User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in user.");

    /// <summary>Gets or sets a problem with what the user sent, shown above the form.</summary>
    public string? InputError { get; set; }

    protected void Flash(string message) => TempData[MessageKey] = message;

    protected IActionResult RedirectWithMessage(string url, string message)
    {
        Flash(message);
        return LocalRedirect(url);
    }
}

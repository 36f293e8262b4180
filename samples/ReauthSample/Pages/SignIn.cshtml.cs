using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ReauthSample.Pages;

public sealed class SignInModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? user)
    {
        var demo = ReauthSampleApp.DemoUsers.FirstOrDefault(u => u.Id == user);
        if (demo.Id is null)
        {
            TempData[SamplePageModel.MessageKey] = $"There is no demo user \"{user}\". Choose Alice or Bob.";
            return RedirectToPage();
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, demo.Id), new Claim(ClaimTypes.Name, demo.Name)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync();
        return LocalRedirect("/");
    }
}

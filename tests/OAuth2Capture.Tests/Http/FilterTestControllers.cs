using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;
using OAuth2Capture.Http;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Http;

/// <summary>Marker for the test app's MVC controllers (see <see cref="WebAppHarness"/>).</summary>
internal static class FilterTestControllers
{
}

/// <summary>An API-style controller: the attribute on actions, with scopes and a custom redirect.</summary>
[ApiController]
[Route("repos")]
public sealed class ReposController : ControllerBase
{
    [HttpGet("")]
    [RequireOAuthToken(WebAppHarness.Provider)]
    public TokenAnswerBody List() => Answer();

    [HttpGet("write")]
    [RequireOAuthToken(WebAppHarness.Provider, Scopes = ["write"])]
    public TokenAnswerBody Write() => Answer();

    [HttpGet("admin")]
    [RequireOAuthToken(WebAppHarness.Provider, Scopes = ["admin"])]
    public TokenAnswerBody Admin() => Answer();

    [HttpGet("custom")]
    [RequireOAuthToken(WebAppHarness.Provider, RedirectTo = "~/why-reconnect")]
    public TokenAnswerBody Custom() => Answer();

    private TokenAnswerBody Answer()
    {
        var token = HttpContext.GetOAuthToken(WebAppHarness.Provider);
        return new TokenAnswerBody(token?.Status.ToString(), token?.AccessToken, token?.Scope);
    }
}

/// <summary>A page-like MVC controller (HTML answers, TempData), the attribute on the class.</summary>
[RequireOAuthToken(WebAppHarness.Provider)]
public sealed class DashboardController : Controller
{
    [HttpGet("/dashboard")]
    public IActionResult Index()
        => Content($"<h1>Dashboard</h1><p>{HttpContext.GetOAuthToken(WebAppHarness.Provider)?.Status}</p>", "text/html");
}

/// <summary>Pages without a token requirement: the TempData message and the banner.</summary>
public sealed class MessagesController : Controller
{
    [HttpGet("/message")]
    public IActionResult Show() => Content(TempData[OAuth2CaptureDefaults.TempDataMessageKey] as string ?? string.Empty, "text/plain");

    [HttpGet("/why-reconnect")]
    public IActionResult Why() => Content("Why reconnect: " + (TempData[OAuth2CaptureDefaults.TempDataMessageKey] as string), "text/plain");

    /// <summary>Runs the banner tag helper as a Razor layout would and answers its HTML.</summary>
    [HttpGet("/banner")]
    public async Task<IActionResult> Banner()
    {
        var helper = new ReauthBannerTagHelper { ViewContext = new ViewContext { HttpContext = HttpContext, TempData = TempData } };
        var context = new TagHelperContext(ReauthBannerTagHelper.TagName, [], new Dictionary<object, object>(), "banner");
        var output = new TagHelperOutput(ReauthBannerTagHelper.TagName, [], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        await helper.ProcessAsync(context, output);
        using var writer = new StringWriter();
        output.WriteTo(writer, HtmlEncoder.Default);
        return Content(writer.ToString(), "text/html");
    }
}

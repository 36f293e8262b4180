using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.Hosting;
using OAuth2Capture.Http;
using OAuth2Capture.Tests.Http;
using OAuth2Capture.Tests.Infrastructure;
using OAuth2Capture.Tokens;

// Razor Pages without the Razor SDK: what the Razor source generator emits for a one-line .cshtml, written by hand so the
// test project (Microsoft.NET.Sdk) can host real pages. WebAppHarness adds this assembly as a CompiledRazorAssemblyPart.
[assembly: RazorCompiledItem(typeof(RequiredTokenPage), "mvc.1.0.razor-page", "/Pages/Required.cshtml")]
[assembly: RazorCompiledItem(typeof(FilteredTokenPage), "mvc.1.0.razor-page", "/Pages/Filtered.cshtml")]
[assembly: RazorCompiledItem(typeof(GuardedProbePage), "mvc.1.0.razor-page", "/Pages/GuardedProbe.cshtml")]

namespace OAuth2Capture.Tests.Http;

/// <summary>A page whose handler calls <see cref="ITokenValidityService.GetRequiredTokenAsync"/> and lets the exception escape.</summary>
public sealed class RequiredTokenPageModel(ITokenValidityService tokens) : PageModel
{
    public string? Status { get; private set; }

    public async Task OnGetAsync()
        => Status = (await tokens.GetRequiredTokenAsync(TokenExceptionEndpoints.UserId(HttpContext), WebAppHarness.Provider, HttpContext.RequestAborted)).Status.ToString();
}

/// <summary>The same page behind <c>[RequireOAuthToken]</c> (on the class: Razor Pages ignore filters on handlers).</summary>
[RequireOAuthToken(WebAppHarness.Provider)]
public sealed class FilteredTokenPageModel : PageModel
{
    public string? Status { get; private set; }

    public void OnGet() => Status = HttpContext.GetOAuthToken(WebAppHarness.Provider)!.Status.ToString();
}

/// <summary>Behind <c>[RequireOAuthToken]</c>; the handler then learns from the provider that the grant is gone.</summary>
[RequireOAuthToken(WebAppHarness.Provider)]
public sealed class GuardedProbePageModel(ITokenValidityService tokens) : PageModel
{
    public string? Status { get; private set; }

    public async Task OnGetAsync()
        => Status = (await TokenExceptionEndpoints.ProbeAsync(HttpContext.GetOAuthToken(WebAppHarness.Provider)!, tokens, HttpContext.RequestAborted)).Status.ToString();
}

[RazorCompiledItemMetadata("RouteTemplate", "/pages/required")]
[RazorCompiledItemMetadata("Identifier", "/Pages/Required.cshtml")]
internal sealed class RequiredTokenPage : TokenStatusPage<RequiredTokenPageModel>
{
    protected override string? Status => Model.Status;
}

[RazorCompiledItemMetadata("RouteTemplate", "/pages/filtered")]
[RazorCompiledItemMetadata("Identifier", "/Pages/Filtered.cshtml")]
internal sealed class FilteredTokenPage : TokenStatusPage<FilteredTokenPageModel>
{
    protected override string? Status => Model.Status;
}

[RazorCompiledItemMetadata("RouteTemplate", "/pages/guarded/probe")]
[RazorCompiledItemMetadata("Identifier", "/Pages/GuardedProbe.cshtml")]
internal sealed class GuardedProbePage : TokenStatusPage<GuardedProbePageModel>
{
    protected override string? Status => Model.Status;
}

/// <summary><c>&lt;p&gt;@Model.Status&lt;/p&gt;</c>, as generated.</summary>
internal abstract class TokenStatusPage<TModel> : Page
{
    public ViewDataDictionary<TModel> ViewData => (ViewDataDictionary<TModel>)PageContext?.ViewData!;

    public TModel Model => ViewData.Model;

    protected abstract string? Status { get; }

    public override Task ExecuteAsync()
    {
        WriteLiteral("<p>");
        Write(Status);
        WriteLiteral("</p>");
        return Task.CompletedTask;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;

namespace OAuth2Capture.Http;

/// <summary>The MVC action and Razor Pages handler filter created by <see cref="RequireOAuthTokenAttribute"/>.</summary>
internal sealed class RequireOAuthTokenFilter(OAuthTokenRequirement requirement) : IAsyncActionFilter, IAsyncPageFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (await EvaluateAsync(context.HttpContext).ConfigureAwait(false))
        {
            await next().ConfigureAwait(false);
        }
        else
        {
            context.Result = new EmptyResult();
        }
    }

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (await EvaluateAsync(context.HttpContext).ConfigureAwait(false))
        {
            await next().ConfigureAwait(false);
        }
        else
        {
            context.Result = new EmptyResult();
        }
    }

    private Task<bool> EvaluateAsync(HttpContext context)
        => context.RequestServices.GetRequiredService<OAuthTokenRequirementEvaluator>().EvaluateAsync(context, requirement);
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// The MVC action and Razor Pages handler filter created by <see cref="RequireOAuthTokenAttribute"/>: runs the action only
/// with a usable token, and answers an <see cref="OAuthTokenException"/> the action lets escape the same way.
/// </summary>
internal sealed class RequireOAuthTokenFilter(OAuthTokenRequirement requirement) : IAsyncActionFilter, IAsyncPageFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!await Evaluator(context.HttpContext).EvaluateAsync(context.HttpContext, requirement).ConfigureAwait(false))
        {
            context.Result = new EmptyResult();
            return;
        }

        var executed = await next().ConfigureAwait(false);
        if (await AnsweredAsync(executed.HttpContext, executed.Exception, executed.ExceptionHandled).ConfigureAwait(false))
        {
            executed.ExceptionHandled = true;
            executed.Result = new EmptyResult();
        }
    }

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!await Evaluator(context.HttpContext).EvaluateAsync(context.HttpContext, requirement).ConfigureAwait(false))
        {
            context.Result = new EmptyResult();
            return;
        }

        var executed = await next().ConfigureAwait(false);
        if (await AnsweredAsync(executed.HttpContext, executed.Exception, executed.ExceptionHandled).ConfigureAwait(false))
        {
            executed.ExceptionHandled = true;
            executed.Result = new EmptyResult();
        }
    }

    private async Task<bool> AnsweredAsync(HttpContext context, Exception? exception, bool handled)
        => !handled && exception is OAuthTokenException tokenException
            && await Evaluator(context).TryAnswerAsync(context, tokenException, requirement).ConfigureAwait(false);

    private static OAuthTokenRequirementEvaluator Evaluator(HttpContext context)
        => context.RequestServices.GetRequiredService<OAuthTokenRequirementEvaluator>();
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// The minimal-API endpoint filter added by <c>.RequireOAuthToken()</c>: runs the handler only with a usable token, and
/// answers an <see cref="OAuthTokenException"/> the handler lets escape the same way.
/// </summary>
internal sealed class RequireOAuthTokenEndpointFilter(OAuthTokenRequirement requirement) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var evaluator = context.HttpContext.RequestServices.GetRequiredService<OAuthTokenRequirementEvaluator>();
        if (!await evaluator.EvaluateAsync(context.HttpContext, requirement).ConfigureAwait(false))
        {
            return Results.Empty;
        }

        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OAuthTokenException exception)
        {
            if (await evaluator.TryAnswerAsync(context.HttpContext, exception, requirement).ConfigureAwait(false))
            {
                return Results.Empty;
            }

            throw;
        }
    }
}

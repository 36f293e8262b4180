using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OAuth2Capture.Http;

/// <summary>The minimal-API endpoint filter added by <c>.RequireOAuthToken()</c>.</summary>
internal sealed class RequireOAuthTokenEndpointFilter(OAuthTokenRequirement requirement) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var evaluator = context.HttpContext.RequestServices.GetRequiredService<OAuthTokenRequirementEvaluator>();
        return await evaluator.EvaluateAsync(context.HttpContext, requirement).ConfigureAwait(false)
            ? await next(context).ConfigureAwait(false)
            : Results.Empty;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// <c>app.UseOAuth2Capture()</c>: installs the lazy <see cref="IOAuthStatusFeature"/> for signed-in users (it costs nothing
/// until it is read), and answers an <see cref="OAuthTokenException"/> that escapes an endpoint (MVC, Razor Pages or
/// minimal APIs) as <c>[RequireOAuthToken]</c> would; one it may not answer (<see cref="OAuthTokenRequirementEvaluator.TryAnswerAsync"/>)
/// goes on to the app's exception handling.
/// </summary>
internal sealed class OAuthStatusMiddleware(RequestDelegate next, IOwnerIdResolver owners)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        OAuthStatusFeature.GetOrCreate(context, owners.GetOwnerId(context.User));
        try
        {
            if (BlazorPageRequirements(context) is { Count: > 0 } requirements)
            {
                var evaluator = context.RequestServices.GetRequiredService<OAuthTokenRequirementEvaluator>();
                foreach (var requirement in requirements)
                {
                    if (!await evaluator.EvaluateAsync(context, requirement.ToRequirement()).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }

            await next(context).ConfigureAwait(false);
        }
        catch (OAuthTokenException exception)
        {
            var evaluator = context.RequestServices.GetRequiredService<OAuthTokenRequirementEvaluator>();
            if (!await evaluator.TryAnswerAsync(context, exception, requirement: null).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    /// <summary>
    /// <c>[RequireOAuthToken]</c> on a routable Blazor component (static server rendering, and the prerender of an
    /// interactive page): Blazor runs no MVC filters, so the attribute, which its endpoint carries as metadata, is evaluated
    /// here, before the page renders. Other endpoints are left to their filters.
    /// </summary>
    private static IReadOnlyList<RequireOAuthTokenAttribute>? BlazorPageRequirements(HttpContext context)
        => context.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null
            ? endpoint.Metadata.GetOrderedMetadata<RequireOAuthTokenAttribute>()
            : null;
}

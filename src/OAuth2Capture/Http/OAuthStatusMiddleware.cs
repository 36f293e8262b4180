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
}

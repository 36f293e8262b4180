using Microsoft.AspNetCore.Http;

namespace OAuth2Capture.Http;

/// <summary>Installs the lazy <see cref="IOAuthStatusFeature"/> for signed-in users; costs nothing until it is read.</summary>
internal sealed class OAuthStatusMiddleware(RequestDelegate next, IOwnerIdResolver owners)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        OAuthStatusFeature.GetOrCreate(context, owners.GetOwnerId(context.User));
        return next(context);
    }
}

using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Http;
using OAuth2Capture.Reauth;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Examples;

/// <summary>
/// Contextual re-auth: the user's post is parked, the user reconnects, and the post is published after the callback
/// without the user doing it again.
/// </summary>
public static class ContextualReauthExample
{
    /// <summary>Maps <c>POST /posts</c> (publish or park) and <c>GET /posts</c> (the user's posts and the one-time message).</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <param name="provider">The provider posts go to.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapScheduledPosts(this IEndpointRouteBuilder app, string provider)
    {
        // <snippet:pending-action-endpoint>
        app.MapPost("/posts", async (HttpContext context, [FromForm] string text, ITokenValidityService tokens, ScheduledPosts posts) =>
        {
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var postId = posts.Park(userId, text); // keep the user's work whatever happens next
            var token = await tokens.GetValidTokenAsync(userId, provider, context.RequestAborted);
            if (token.Succeeded)
            {
                posts.TryPublish(userId, postId); // with token.AccessToken
                return Results.Redirect("/posts");
            }

            if (token.Status is TokenStatus.ReauthRequired or TokenStatus.NotConnected)
            {
                // Reconnect, then PublishParkedPostOnReconnect publishes it; the value is sealed for this user for 30 minutes.
                return Results.Redirect(context.GetConnectUrl(provider, returnUrl: "/posts", pendingAction: "publish:" + postId));
            }

            return Results.Redirect("/posts?retryLater=" + postId); // parked; the provider or the app's settings need time
        }).RequireAuthorization();
        // </snippet:pending-action-endpoint>

        app.MapGet("/posts", (HttpContext context, ScheduledPosts posts) =>
        {
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var message = context.RequestServices.GetService<ITempDataDictionaryFactory>()?.GetTempData(context)[FlashMessage.Key] as string;
            return Results.Json(new { message, published = posts.Published(userId), parked = posts.Parked(userId) });
        }).RequireAuthorization();
        return app;
    }
}

// <snippet:pending-action-events>
/// <summary>Publishes the post parked in the pending action once the user has reconnected.</summary>
/// <param name="posts">The app's posts.</param>
public sealed class PublishParkedPostOnReconnect(ScheduledPosts posts) : OAuth2CaptureEvents
{
    /// <inheritdoc/>
    public override async Task ConnectionCaptured(ConnectionCapturedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // PendingAction was sealed for this user by GetConnectUrl; still check that the post is theirs and unpublished.
        if (context.PendingAction is { } action && action.StartsWith("publish:", StringComparison.Ordinal)
            && posts.TryPublish(context.OwnerId, action["publish:".Length..]))
        {
            context.Message = $"Your {context.ProviderDisplayName} account is reconnected and your post was published.";
        }

        await base.ConnectionCaptured(context);
    }
}

// Registration: builder.Services.AddOAuth2Capture(...).AddEvents<PublishParkedPostOnReconnect>();
// </snippet:pending-action-events>

/// <summary>The app's posts (in memory for the example): parked until published, published at most once.</summary>
public sealed class ScheduledPosts
{
    private readonly ConcurrentDictionary<string, Post> posts = new();

    /// <summary>Parks a post.</summary>
    /// <param name="ownerId">The author.</param>
    /// <param name="text">The text.</param>
    /// <returns>The post id.</returns>
    public string Park(string ownerId, string text)
    {
        var id = Guid.NewGuid().ToString("N");
        posts[id] = new Post(ownerId, text, Published: false);
        return id;
    }

    /// <summary>Publishes a parked post of this owner, once.</summary>
    /// <param name="ownerId">The author.</param>
    /// <param name="postId">The post id.</param>
    /// <returns><see langword="true"/> when it was published now.</returns>
    public bool TryPublish(string ownerId, string postId)
        => posts.TryGetValue(postId, out var post) && post.OwnerId == ownerId && !post.Published
            && posts.TryUpdate(postId, post with { Published = true }, post);

    /// <summary>Gets the owner's published posts.</summary>
    /// <param name="ownerId">The author.</param>
    /// <returns>Their texts.</returns>
    public IReadOnlyList<string> Published(string ownerId) => [.. posts.Values.Where(p => p.OwnerId == ownerId && p.Published).Select(p => p.Text)];

    /// <summary>Gets the owner's parked posts.</summary>
    /// <param name="ownerId">The author.</param>
    /// <returns>Their texts.</returns>
    public IReadOnlyList<string> Parked(string ownerId) => [.. posts.Values.Where(p => p.OwnerId == ownerId && !p.Published).Select(p => p.Text)];

    private sealed record Post(string OwnerId, string Text, bool Published);
}

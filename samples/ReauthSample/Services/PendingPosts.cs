using OAuth2Capture.Reauth;

namespace ReauthSample.Services;

/// <summary>
/// The pending-action pattern's second half: after the user reconnects, OAuth2Capture hands back the action parked in
/// the connect URL (<c>post:{id}</c>); the post is published at that provider, once, and the message says so.
/// </summary>
public static class PendingPosts
{
    public static async Task OnConnectionCaptured(ConnectionCapturedContext context)
    {
        if (!PostBoard.TryParsePendingAction(context.PendingAction, out var id))
        {
            return;
        }

        var services = context.HttpContext.RequestServices;
        var board = services.GetRequiredService<PostBoard>();
        var verb = context.Reconnected ? "reconnected" : "connected";
        var post = board.Find(context.OwnerId, id);
        var waiting = post?.Deliveries.Any(d => string.Equals(d.Provider, context.Provider, StringComparison.OrdinalIgnoreCase) && d.State == DeliveryState.Waiting) == true;
        if (post is null || !waiting)
        {
            context.Message = $"Your {context.ProviderDisplayName} account is {verb}. The post you were sending was already published, so nothing was sent twice.";
            return;
        }

        if (services.GetRequiredService<SampleProviders>().FindDev(context.Provider) is not null)
        {
            try
            {
                // The fresh connection is stored by now: the post really goes to the provider's API with it.
                await services.GetRequiredService<SocialApi>().PostAsync(context.OwnerId, context.Provider, post.Text, context.HttpContext.RequestAborted);
            }
            catch (Exception failed) when (failed is OAuth2Capture.Tokens.OAuthTokenException or HttpRequestException)
            {
                context.Message = $"Your {context.ProviderDisplayName} account is {verb}, but {context.ProviderDisplayName} did not take your post \"{Shorten(post.Text)}\" just now; it is still waiting, try sending it again.";
                return;
            }
        }

        board.Publish(context.OwnerId, id, context.Provider);
        context.Message = $"Your {context.ProviderDisplayName} account is {verb} and your post \"{Shorten(post.Text)}\" was published to {context.ProviderDisplayName}.";
    }

    private static string Shorten(string? text)
        => text is null ? string.Empty : text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 39), "…");
}

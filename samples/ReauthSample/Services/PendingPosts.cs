using OAuth2Capture.Reauth;

namespace ReauthSample.Services;

/// <summary>
/// The pending-action pattern's second half: after the user reconnects, OAuth2Capture hands back the action parked in
/// the connect URL (<c>post:{id}</c>); the post is published at that provider, once, and the message says so.
/// </summary>
public static class PendingPosts
{
    public static Task OnConnectionCaptured(ConnectionCapturedContext context)
    {
        if (!PostBoard.TryParsePendingAction(context.PendingAction, out var id))
        {
            return Task.CompletedTask;
        }

        var board = context.HttpContext.RequestServices.GetRequiredService<PostBoard>();
        var verb = context.Reconnected ? "reconnected" : "connected";
        context.Message = board.Publish(context.OwnerId, id, context.Provider)
            ? $"Your {context.ProviderDisplayName} account is {verb} and your post \"{Shorten(board.Find(context.OwnerId, id)?.Text)}\" was published to {context.ProviderDisplayName}."
            : $"Your {context.ProviderDisplayName} account is {verb}. The post you were sending was already published, so nothing was sent twice.";
        return Task.CompletedTask;
    }

    private static string Shorten(string? text)
        => text is null ? string.Empty : text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 39), "…");
}

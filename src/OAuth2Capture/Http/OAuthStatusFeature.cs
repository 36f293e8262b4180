using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// The default <see cref="IOAuthStatusFeature"/>: reads the store once, on first use, and derives each provider's state
/// from the rows without calling any provider.
/// </summary>
internal sealed class OAuthStatusFeature(HttpContext context, string ownerId) : IOAuthStatusFeature
{
    private readonly Lock gate = new();
    private Task<IReadOnlyList<OAuthProviderStatus>>? loading;

    public string OwnerId { get; } = ownerId;

    public string? ReauthMessage { get; set; }

    public ValueTask<IReadOnlyList<OAuthProviderStatus>> GetProvidersAsync(CancellationToken cancellationToken = default)
    {
        Task<IReadOnlyList<OAuthProviderStatus>> task;
        lock (gate)
        {
            task = loading ??= LoadAsync(context.RequestAborted);
        }

        return task.IsCompletedSuccessfully ? new(task.Result) : new(task.WaitAsync(cancellationToken));
    }

    public async ValueTask<OAuthProviderStatus?> GetProviderAsync(string provider, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        var all = await GetProvidersAsync(cancellationToken).ConfigureAwait(false);
        return all.FirstOrDefault(status => string.Equals(status.Provider, provider, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Gets the installed feature, or installs one for a signed-in user (the filter uses this without the middleware).</summary>
    public static OAuthStatusFeature? GetOrCreate(HttpContext context, string? ownerId)
    {
        if (context.Features.Get<IOAuthStatusFeature>() is OAuthStatusFeature existing)
        {
            return existing;
        }

        if (ownerId is null || context.Features.Get<IOAuthStatusFeature>() is not null)
        {
            return null;
        }

        var created = new OAuthStatusFeature(context, ownerId);
        context.Features.Set<IOAuthStatusFeature>(created);
        return created;
    }

    private async Task<IReadOnlyList<OAuthProviderStatus>> LoadAsync(CancellationToken cancellationToken)
        => await context.RequestServices.GetRequiredService<ConnectionStatusReader>()
            .ReadAsync(OwnerId, context.Request.PathBase, context.GetCurrentLocalUrl(), context, cancellationToken).ConfigureAwait(false);

    /// <summary>The message of every <see cref="OAuthConnectionState.Unknown"/> status (one sentence, so a banner says it once).</summary>
    internal const string UnknownMessage = "Your connected accounts can't be checked right now. Please try again in a moment; you don't need to reconnect.";

    /// <summary>
    /// A stored row's state as the user sees it: a re-auth verdict wins; else a row this instance already failed to decrypt
    /// (a memory lookup, no decrypt) is unavailable; else active. The list endpoint asks here too.
    /// </summary>
    internal static OAuthConnectionState StateOf(ReauthReason reason, TokenSecrets secrets, OAuthToken row)
        => reason != ReauthReason.None ? OAuthConnectionState.ReauthRequired
            : secrets.IsKnownUnreadable(row) ? OAuthConnectionState.Unavailable
            : OAuthConnectionState.Active;
}

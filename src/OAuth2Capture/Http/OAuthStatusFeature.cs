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
    {
        var services = context.RequestServices;
        var catalog = services.GetRequiredService<IOAuthProviderCatalog>();
        var store = services.GetRequiredService<ITokenStore>();
        var mapper = services.GetRequiredService<TokenFailureErrorMapper>();
        var secrets = services.GetRequiredService<TokenSecrets>();
        var options = services.GetRequiredService<IOptionsMonitor<OAuth2CaptureOptions>>().CurrentValue;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();

        IReadOnlyList<OAuthToken> rows;
        try
        {
            rows = await store.ListByOwnerAsync(OwnerId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, cancellationToken))
        {
            // A page that only shows a banner must not fail because the store is down: every provider is "unknown".
            StoreOutage.Logged(context, exception.GetBaseException().Message, exception);
            return Unknown(catalog, context.GetCurrentLocalUrl());
        }

        var latest = rows
            .GroupBy(row => row.Provider, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.MaxBy(row => row.UpdatedAt)!, StringComparer.OrdinalIgnoreCase);
        var returnUrl = context.GetCurrentLocalUrl();

        return catalog.All
            .OrderBy(provider => provider.Name, StringComparer.Ordinal)
            .Select(provider => Describe(provider, latest.GetValueOrDefault(provider.Name), now, options.ExpiringSoonWindow, mapper, secrets, returnUrl))
            .ToList();
    }

    private OAuthProviderStatus Describe(OAuthProvider provider, OAuthToken? row, DateTimeOffset now, TimeSpan window, TokenFailureErrorMapper mapper, TokenSecrets secrets, string returnUrl)
    {
        var reconnectUrl = context.GetConnectUrl(provider.Name, returnUrl);
        if (row is null)
        {
            return new OAuthProviderStatus
            {
                Provider = provider.Name,
                DisplayName = provider.DisplayName,
                State = OAuthConnectionState.NotConnected,
                ReconnectUrl = reconnectUrl,
            };
        }

        var strategy = provider.Descriptor.RefreshStrategy;
        var reason = ConnectionRules.ReauthReasonAt(row, strategy, now);
        var state = StateOf(reason, secrets, row);

        return new OAuthProviderStatus
        {
            Provider = provider.Name,
            DisplayName = provider.DisplayName,
            State = state,
            Reason = reason,
            ConnectionId = row.Id,
            AccountName = row.DisplayName,
            AccessTokenExpiresAt = row.AccessTokenExpiresAt,
            RefreshTokenExpiresAt = row.RefreshTokenExpiresAt,
            ExpiresSoon = ConnectionRules.ExpiresSoon(row, strategy, now, window),
            ReconnectUrl = reconnectUrl,
            Message = state switch
            {
                OAuthConnectionState.ReauthRequired => mapper.GetMessage(context, provider.Name, TokenStatus.ReauthRequired, reason),
                OAuthConnectionState.Unavailable => mapper.GetMessage(context, provider.Name, TokenStatus.ConfigurationError, ReauthReason.None),
                OAuthConnectionState.Active or OAuthConnectionState.NotConnected or OAuthConnectionState.Unknown => null,
            },
        };
    }

    /// <summary>The message of every <see cref="OAuthConnectionState.Unknown"/> status (one sentence, so a banner says it once).</summary>
    internal const string UnknownMessage = "Your connected accounts can't be checked right now. Please try again in a moment; you don't need to reconnect.";

    private List<OAuthProviderStatus> Unknown(IOAuthProviderCatalog catalog, string returnUrl)
        => catalog.All
            .OrderBy(provider => provider.Name, StringComparer.Ordinal)
            .Select(provider => new OAuthProviderStatus
            {
                Provider = provider.Name,
                DisplayName = provider.DisplayName,
                State = OAuthConnectionState.Unknown,
                ReconnectUrl = context.GetConnectUrl(provider.Name, returnUrl),
                Message = UnknownMessage,
            })
            .ToList();

    /// <summary>
    /// A stored row's state as the user sees it: a re-auth verdict wins; else a row this instance already failed to decrypt
    /// (a memory lookup, no decrypt) is unavailable; else active. The list endpoint asks here too.
    /// </summary>
    internal static OAuthConnectionState StateOf(ReauthReason reason, TokenSecrets secrets, OAuthToken row)
        => reason != ReauthReason.None ? OAuthConnectionState.ReauthRequired
            : secrets.IsKnownUnreadable(row) ? OAuthConnectionState.Unavailable
            : OAuthConnectionState.Active;
}

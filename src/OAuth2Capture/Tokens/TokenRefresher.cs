using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Background;
using OAuth2Capture.Diagnostics;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// Renews one connection and records the outcome on its row. Runs inside a single flight (see
/// <see cref="RefreshCoordinator"/>) in a scope of its own, so it never depends on the request that started it.
/// </summary>
internal sealed partial class TokenRefresher(
    ITokenStore store,
    ITokenProtector protector,
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    ILogger<TokenRefresher> logger,
    ReauthNotificationDispatcher notifications)
{
    public async Task<TokenResult> RefreshAsync(OAuthProvider provider, Guid connectionId, CancellationToken cancellationToken, RefreshAhead? ahead = null)
    {
        // Re-read: a caller that arrives with stale state must see what the previous flight stored, not refresh again.
        var row = await store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return TokenResult.NotConnected(provider.Name);
        }

        var now = time.GetUtcNow();
        var skew = options.CurrentValue.RefreshSkew;
        if (row.Status == OAuthConnectionStatus.ReauthRequired)
        {
            return FromStoredReauth(row);
        }

        if (!TokenFreshness.NeedsRefresh(row, now, skew) && ahead?.IsDue(row, now) != true)
        {
            return TokenResult.Valid(row.Provider, row.Id, protector.Unprotect(row.EncryptedAccessToken), row.TokenType, row.AccessTokenExpiresAt, row.Scope);
        }

        var strategy = provider.Descriptor.RefreshStrategy;
        if (!strategy.CanRefresh || (strategy.RequiresRefreshToken && row.EncryptedRefreshToken is null))
        {
            // Nothing can renew it: use it until it actually expires, then the user must reconnect.
            return TokenFreshness.IsExpired(row, now)
                ? await MarkReauthAsync(provider, row, ReauthReason.NoRefreshToken, "no_refresh_token",
                    $"The {provider.DisplayName} access token expired and {provider.DisplayName} issued no refresh token.", cancellationToken).ConfigureAwait(false)
                : TokenResult.Valid(row.Provider, row.Id, protector.Unprotect(row.EncryptedAccessToken), row.TokenType, row.AccessTokenExpiresAt, row.Scope);
        }

        if (row.RefreshTokenExpiresAt is { } refreshExpiresAt && refreshExpiresAt <= now)
        {
            return await MarkReauthAsync(provider, row, ReauthReason.RefreshTokenExpired, "refresh_token_expired",
                $"The {provider.DisplayName} refresh token expired at {refreshExpiresAt:u}.", cancellationToken).ConfigureAwait(false);
        }

        using var activity = OAuth2CaptureDiagnostics.ActivitySource.StartActivity("OAuth2Capture.Refresh", ActivityKind.Client);
        activity?.SetTag("oauth2capture.provider", provider.Name);
        activity?.SetTag("oauth2capture.connection_id", row.Id);

        var accessToken = protector.Unprotect(row.EncryptedAccessToken);
        var refreshToken = row.EncryptedRefreshToken is null ? null : protector.Unprotect(row.EncryptedRefreshToken);
        var context = new RefreshContext(provider, httpClientFactory.CreateClient(provider.HttpClientName), accessToken, refreshToken);
        Log.Refreshing(logger, provider.Name, row.Id);
        var response = await strategy.RefreshAsync(context, cancellationToken).ConfigureAwait(false);

        var result = response.IsSuccess
            ? await StoreRefreshedAsync(provider, row, response, cancellationToken).ConfigureAwait(false)
            : await RecordFailureAsync(provider, row, accessToken, response, cancellationToken).ConfigureAwait(false);

        activity?.SetTag("oauth2capture.status", result.Status.ToString());
        OAuth2CaptureDiagnostics.RefreshOutcomes.Add(1,
            new("provider", provider.Name), new("status", result.Status.ToString()), new("reason", result.Reason.ToString()));
        return result;
    }

    private async Task<TokenResult> StoreRefreshedAsync(OAuthProvider provider, OAuthToken row, TokenEndpointResponse response, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var accessToken = response.AccessToken!;
        row.EncryptedAccessToken = protector.Protect(accessToken);
        if (response.RefreshToken is not null)
        {
            // Rotation: the old refresh token is dead at the provider from now on; store the new one in the same write.
            row.EncryptedRefreshToken = protector.Protect(response.RefreshToken);
            row.RefreshTokenExpiresAt = response.RefreshTokenExpiresIn is { } refreshLifetime ? now + refreshLifetime : row.RefreshTokenExpiresAt;
        }
        else if (response.RefreshTokenExpiresIn is { } lifetime)
        {
            row.RefreshTokenExpiresAt = now + lifetime;
        }

        row.AccessTokenExpiresAt = response.ExpiresIn is { } expiresIn ? now + expiresIn : null;
        row.TokenType = response.TokenType ?? row.TokenType;
        row.Scope = response.Scope ?? row.Scope;
        row.LastRefreshedAt = now;
        row.UpdatedAt = now;
        row.LastError = null;
        row.LastErrorAt = null;

        if (!await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false))
        {
            // Someone changed the row meanwhile (a reconnect, another instance). The tokens we hold are valid at the
            // provider right now, so the caller still gets them.
            Log.RefreshWriteConflict(logger, provider.Name, row.Id);
        }
        else
        {
            Log.Refreshed(logger, provider.Name, row.Id, response.RefreshToken is not null);
        }

        return TokenResult.Refreshed(provider.Name, row.Id, accessToken, row.TokenType, row.AccessTokenExpiresAt, row.Scope);
    }

    private async Task<TokenResult> RecordFailureAsync(OAuthProvider provider, OAuthToken row, string currentAccessToken, TokenEndpointResponse response, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (status, reason) = TokenFailureClassifier.Classify(response, now, row.RefreshTokenExpiresAt);
        var description = Describe(provider, response);
        switch (status)
        {
            case TokenStatus.ReauthRequired:
                return await MarkReauthAsync(provider, row, reason, response.Error, description, cancellationToken).ConfigureAwait(false);

            case TokenStatus.ConfigurationError:
                Log.ConfigurationRejected(logger, provider.Name, row.Id, response.Error, (int?)response.HttpStatus, description);
                await RecordErrorAsync(row, description, cancellationToken).ConfigureAwait(false);
                return TokenFreshness.IsExpired(row, now)
                    ? TokenResult.ConfigurationError(provider.Name, row.Id, response.Error, description)
                    : TokenResult.Valid(row.Provider, row.Id, currentAccessToken, row.TokenType, row.AccessTokenExpiresAt, row.Scope);

            default:
                Log.TemporarilyUnavailable(logger, provider.Name, row.Id, response.FailureKind, (int?)response.HttpStatus, response.RetryAfter);
                await RecordErrorAsync(row, description, cancellationToken).ConfigureAwait(false);

                // Refreshing ahead of expiry failed for a passing reason: the current token still works.
                return TokenFreshness.IsExpired(row, now)
                    ? TokenResult.TemporarilyUnavailable(provider.Name, row.Id, response.RetryAfter, response.Error, description)
                    : TokenResult.Valid(row.Provider, row.Id, currentAccessToken, row.TokenType, row.AccessTokenExpiresAt, row.Scope);
        }
    }

    private async Task<TokenResult> MarkReauthAsync(OAuthProvider provider, OAuthToken row, ReauthReason reason, string? error, string description, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        row.Status = OAuthConnectionStatus.ReauthRequired;
        row.ReauthReason = reason;
        row.LastError = description;
        row.LastErrorAt = now;
        row.UpdatedAt = now;
        var flipped = await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false);
        if (flipped)
        {
            // Only the writer whose conditional update flipped the row reports the transition, on any instance.
            await notifications.ReauthRequiredAsync(provider, row, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The row changed while we refreshed: typically another instance rotated the refresh token first, so our
            // invalid_grant is about a token that is no longer current. Trust the stored state, never a spurious re-auth.
            var current = await store.FindByIdAsync(row.Id, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Status == OAuthConnectionStatus.Active && !TokenFreshness.IsExpired(current, now))
            {
                Log.RefreshLostRaceRecovered(logger, provider.Name, row.Id);
                return TokenResult.Valid(current.Provider, current.Id, protector.Unprotect(current.EncryptedAccessToken), current.TokenType, current.AccessTokenExpiresAt, current.Scope);
            }

            if (current is null)
            {
                return TokenResult.NotConnected(provider.Name);
            }
        }

        Log.ReauthRequired(logger, provider.Name, row.Id, reason, error);
        return TokenResult.ReauthRequired(provider.Name, row.Id, reason, error, description);
    }

    private async Task RecordErrorAsync(OAuthToken row, string description, CancellationToken cancellationToken)
    {
        row.LastError = description;
        row.LastErrorAt = time.GetUtcNow();
        _ = await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false);
    }

    internal static TokenResult FromStoredReauth(OAuthToken row)
        => TokenResult.ReauthRequired(row.Provider, row.Id, row.ReauthReason, null, row.LastError);

    private static string Describe(OAuthProvider provider, TokenEndpointResponse response)
    {
        var status = response.HttpStatus is { } code ? $"HTTP {(int)code}" : "no HTTP answer";
        return response.Error is null || response.FailureKind != TokenEndpointFailureKind.OAuthError
            ? response.ErrorDescription ?? $"{provider.DisplayName} refresh failed ({response.FailureKind}, {status})."
            : $"{provider.DisplayName} answered {response.Error} ({status}){(response.ErrorDescription is null ? "." : ": " + response.ErrorDescription)}";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, EventName = "Refreshing", Level = LogLevel.Debug, Message = "Refreshing the {Provider} token of connection {ConnectionId}.")]
        public static partial void Refreshing(ILogger logger, string provider, Guid connectionId);

        [LoggerMessage(EventId = 2002, EventName = "Refreshed", Level = LogLevel.Information, Message = "Refreshed the {Provider} token of connection {ConnectionId} (refresh token rotated: {Rotated}).")]
        public static partial void Refreshed(ILogger logger, string provider, Guid connectionId, bool rotated);

        [LoggerMessage(EventId = 2003, EventName = "ReauthRequired", Level = LogLevel.Warning, Message = "The {Provider} connection {ConnectionId} needs the user to reconnect ({Reason}, provider error {Error}).")]
        public static partial void ReauthRequired(ILogger logger, string provider, Guid connectionId, ReauthReason reason, string? error);

        [LoggerMessage(EventId = 2004, EventName = "ProviderTemporarilyUnavailable", Level = LogLevel.Warning, Message = "Refreshing {Provider} connection {ConnectionId} failed transiently ({Kind}, HTTP {HttpStatus}, retry after {RetryAfter}).")]
        public static partial void TemporarilyUnavailable(ILogger logger, string provider, Guid connectionId, TokenEndpointFailureKind kind, int? httpStatus, TimeSpan? retryAfter);

        [LoggerMessage(EventId = 2005, EventName = "ProviderConfigurationRejected", Level = LogLevel.Error, Message = "{Provider} rejected the application's configuration while refreshing connection {ConnectionId} (error {Error}, HTTP {HttpStatus}): {Description} Check the client id, secret and endpoints; users are not asked to reconnect for this.")]
        public static partial void ConfigurationRejected(ILogger logger, string provider, Guid connectionId, string? error, int? httpStatus, string description);

        [LoggerMessage(EventId = 2006, EventName = "RefreshWriteConflict", Level = LogLevel.Information, Message = "Connection {ConnectionId} ({Provider}) changed while it was refreshed; the refreshed token was handed out but not stored.")]
        public static partial void RefreshWriteConflict(ILogger logger, string provider, Guid connectionId);

        [LoggerMessage(EventId = 2007, EventName = "RefreshLostRaceRecovered", Level = LogLevel.Information, Message = "The {Provider} refresh of connection {ConnectionId} was rejected, but another writer had already renewed it; using the stored token.")]
        public static partial void RefreshLostRaceRecovered(ILogger logger, string provider, Guid connectionId);
    }
}

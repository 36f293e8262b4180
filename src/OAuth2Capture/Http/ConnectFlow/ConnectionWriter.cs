using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Storage.Configurations;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>
/// Stores the tokens of a completed connect: a reconnect of an account updates its row in place and clears the re-auth
/// status; a new account gets a new row; an account connected by another local user is never taken over.
/// </summary>
internal sealed class ConnectionWriter(ITokenStore store, ITokenProtector protector, TokenSecrets secrets, TimeProvider time, ReauthNotificationDispatcher notifications)
{
    public async Task<(OAuthToken Row, bool Reconnected)> UpsertAsync(string ownerId, OAuthProvider provider, ProviderProfile profile, CapturedTokens tokens, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var existing = await store.FindByProviderAccountAsync(provider.Name, profile.Id, cancellationToken).ConfigureAwait(false);
            if (existing is not null && existing.OwnerId != ownerId)
            {
                throw new ConnectionConflictException(provider.Name, profile.Id);
            }

            var now = time.GetUtcNow();
            var row = existing ?? new OAuthToken
            {
                Id = Guid.NewGuid(),
                OwnerId = ownerId,
                Provider = provider.Name,
                ProviderUserId = profile.Id,
                CreatedAt = now,
            };
            var wasReauthRequired = existing?.Status == ConnectionHealth.ReauthRequired;
            Apply(row, profile, tokens, now);
            if (existing is null)
            {
                try
                {
                    await store.CreateAsync(row, cancellationToken).ConfigureAwait(false);
                    return (row, false);
                }
                catch (ConnectionConflictException)
                {
                    continue; // a concurrent callback created it first: re-read and decide again
                }
            }

            if (await store.TryUpdateAsync(row, cancellationToken).ConfigureAwait(false))
            {
                secrets.Forget(row.Id);
                if (wasReauthRequired)
                {
                    // This write flipped the row back to active: the one place a recovery is reported.
                    await notifications.RecoveredAsync(provider, row, cancellationToken).ConfigureAwait(false);
                }

                return (row, true);
            }
        }

        throw new InvalidOperationException($"The {provider.Name} connection kept changing while it was being stored; try again.");
    }

    private void Apply(OAuthToken row, ProviderProfile profile, CapturedTokens tokens, DateTimeOffset now)
    {
        row.DisplayName = StoredText.Truncate(profile.DisplayName, OAuthTokenConfiguration.MaxDisplayNameLength) ?? row.DisplayName;
        row.ProfileJson = profile.Json;
        row.EncryptedAccessToken = protector.Protect(tokens.AccessToken);

        // A reconnect without a refresh token keeps the stored one (Google sends one only on first consent unless
        // prompt=consent), unless this instance cannot decrypt it: kept, it would make the reconnected row unreadable again
        // at its first refresh.
        if (tokens.RefreshToken is null && row.EncryptedRefreshToken is not null && !CanReadRefreshToken(row))
        {
            row.EncryptedRefreshToken = null;
            row.RefreshTokenExpiresAt = null;
        }

        if (tokens.RefreshToken is not null)
        {
            row.EncryptedRefreshToken = protector.Protect(tokens.RefreshToken);
            row.RefreshTokenExpiresAt = tokens.RefreshTokenExpiresIn is { } refreshIn ? now + refreshIn : null;
        }

        row.AccessTokenExpiresAt = tokens.ExpiresIn is { } expiresIn ? now + expiresIn : null;
        row.TokenType = tokens.TokenType;
        row.Scope = tokens.Scope;
        row.Status = ConnectionHealth.Active;
        row.ReauthReason = ReauthReason.None;
        row.LastError = null;
        row.LastErrorAt = null;
        row.ConsecutiveFailures = 0;
        row.FailingSince = null;
        row.AuthorizedAt = now;
        row.UpdatedAt = now;
    }

    private bool CanReadRefreshToken(OAuthToken row)
    {
        try
        {
            _ = secrets.ReadRefreshToken(row);
            return true;
        }
        catch (UnreadableSecretsException)
        {
            return false;
        }
    }
}

/// <summary>Tokens from a completed code exchange.</summary>
internal sealed record CapturedTokens(string AccessToken, string? RefreshToken, string? TokenType, TimeSpan? ExpiresIn, TimeSpan? RefreshTokenExpiresIn, string? Scope);

using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.DevProvider;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// A connection as the connect flow stores it, without the browser round trip: the authorization-code flow run at the
/// DevProvider for a user, its tokens encrypted and stored as an owner's row of the <c>dev</c> provider.
/// </summary>
internal static class DevConnection
{
    public static async Task<(Guid Id, TokenResponse Tokens)> CreateAsync(IServiceProvider services, DevProviderServer dev, string owner, string devUser, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tokens = await DevProviderFlow.ObtainTokensAsync(dev, devUser, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var protector = scope.ServiceProvider.GetRequiredService<ITokenProtector>();
        var row = new OAuthToken
        {
            Id = Guid.NewGuid(),
            OwnerId = owner,
            Provider = CaptureHarness.Provider,
            ProviderUserId = devUser,
            DisplayName = devUser,
            EncryptedAccessToken = protector.Protect(tokens.AccessToken),
            EncryptedRefreshToken = tokens.RefreshToken is null ? null : protector.Protect(tokens.RefreshToken),
            AccessTokenExpiresAt = now.AddSeconds(tokens.ExpiresIn),
            TokenType = tokens.TokenType,
            Scope = tokens.Scope,
            CreatedAt = now,
            UpdatedAt = now,
            AuthorizedAt = now,
        };
        await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync(row, cancellationToken);
        return (row.Id, tokens);
    }
}

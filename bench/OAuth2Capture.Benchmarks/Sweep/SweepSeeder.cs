using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// Stores N due connections fast, through the library's context of the seeding host: batches of <see cref="BatchSize"/>
/// rows, one <c>SaveChanges</c> each. The access token is encrypted once and reused; each row has its own refresh token
/// <c>rt-{i}</c> (encrypted in parallel), so the token endpoint can tell the rows apart.
/// </summary>
internal static class SweepSeeder
{
    public const int BatchSize = 1000;

    /// <summary>The prefix of the seeded refresh tokens (the ceiling client uses another).</summary>
    public const string RefreshTokenPrefix = "rt-";

    /// <summary>How far ahead the seeded access tokens expire: inside the refresher's default 10-minute window, so all are due.</summary>
    public static readonly TimeSpan ExpiresIn = TimeSpan.FromMinutes(5);

    public static async Task SeedAsync(IServiceProvider services, int rows, CancellationToken cancellationToken)
    {
        var protector = services.GetRequiredService<ITokenProtector>();
        var accessToken = protector.Protect("at-initial");
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var refreshTokens = new string[BatchSize];
        for (var start = 0; start < rows; start += BatchSize)
        {
            var count = Math.Min(BatchSize, rows - start);
            Parallel.For(0, count, j => refreshTokens[j] = protector.Protect(RefreshTokenPrefix + (start + j)));

            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Tokens.AddRange(Enumerable.Range(0, count).Select(j => new OAuthToken
            {
                Id = Guid.NewGuid(),
                OwnerId = $"user-{start + j}",
                Provider = SweepAppHost.Provider,
                ProviderUserId = $"account-{start + j}",
                EncryptedAccessToken = accessToken,
                EncryptedRefreshToken = refreshTokens[j],
                AccessTokenExpiresAt = now + ExpiresIn + TimeSpan.FromMilliseconds((start + j) % 97),
                TokenType = "Bearer",
                Scope = "read",
                CreatedAt = now.AddHours(-1),
                UpdatedAt = now.AddHours(-1),
                AuthorizedAt = now.AddHours(-1),
            }));
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}

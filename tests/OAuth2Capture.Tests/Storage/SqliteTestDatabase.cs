using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>A real SQLite database in memory, alive while its connection is open; each context is a fresh unit of work.</summary>
internal sealed class SqliteTestDatabase : ITestStoreDatabase, IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteTestDatabase()
    {
        _connection.Open();
        using var context = CreateContext();
        context.Database.EnsureCreated();
    }

    public SqliteConnection Connection => _connection;

    public OAuth2CaptureDbContext CreateContext(params IInterceptor[] interceptors)
        => new(new DbContextOptionsBuilder<OAuth2CaptureDbContext>()
            .UseSqlite(_connection)
            .AddInterceptors(interceptors)
            .Options);

    public EfCoreTokenStore<OAuth2CaptureDbContext> CreateStore(params IInterceptor[] interceptors)
        => new(CreateContext(interceptors));

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    public static OAuthToken NewToken(string ownerId, string provider, string providerUserId, DateTimeOffset? updatedAt = null)
    {
        var at = updatedAt ?? new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        return new OAuthToken
        {
            Id = Guid.NewGuid(),
            OwnerId = ownerId,
            Provider = provider,
            ProviderUserId = providerUserId,
            DisplayName = $"{providerUserId} at {provider}",
            EncryptedAccessToken = $"enc-access-{providerUserId}",
            EncryptedRefreshToken = $"enc-refresh-{providerUserId}",
            TokenType = "Bearer",
            Scope = "read write",
            CreatedAt = at,
            UpdatedAt = at,
            AuthorizedAt = at,
            Status = ConnectionHealth.Active,
        };
    }
}

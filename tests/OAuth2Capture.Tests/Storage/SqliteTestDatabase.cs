using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// A real SQLite database in a temporary file, deleted on dispose; each context is a fresh unit of work on a connection of its
/// own, as an app's contexts are. One connection shared by every context (an in-memory database) made concurrent stores
/// share SQLite's per-connection state: a write's row count could be the other writer's.
/// </summary>
internal sealed class SqliteTestDatabase : ITestStoreDatabase, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"oauth2capture-store-tests-{Guid.NewGuid():N}.db");
    private readonly string _connectionString;
    private readonly SqliteConnection _connection;

    public SqliteTestDatabase()
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path }.ToString();
        _connection = new SqliteConnection(_connectionString);
        _connection.Open();
        using var context = CreateContext();
        context.Database.EnsureCreated();
    }

    /// <summary>Gets an open connection to the database, for raw SQL.</summary>
    public SqliteConnection Connection => _connection;

    public OAuth2CaptureDbContext CreateContext(params IInterceptor[] interceptors)
        => new(new DbContextOptionsBuilder<OAuth2CaptureDbContext>()
            .UseSqlite(_connectionString)
            .AddInterceptors(interceptors)
            .Options);

    public EfCoreTokenStore<OAuth2CaptureDbContext> CreateStore(params IInterceptor[] interceptors)
        => new(CreateContext(interceptors));

    public void Dispose()
    {
        _connection.Dispose();
        SqliteConnection.ClearPool(_connection);
        File.Delete(_path);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

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

using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Storage;

/// <summary>
/// The library's context when <c>OAuth2Capture:Store:Provider</c> is <see cref="OAuth2CaptureStoreProvider.PostgreSql"/>.
/// Its model is <see cref="OAuth2CaptureDbContext"/>'s (dates as <c>timestamptz</c>); it exists only because EF Core ties
/// migrations to a context type, so the PostgreSQL migrations in <c>Storage/Migrations/PostgreSql</c> never mix with SQLite's.
/// </summary>
/// <param name="options">The context's options (Npgsql).</param>
internal sealed class OAuth2CapturePostgreSqlDbContext(DbContextOptions<OAuth2CapturePostgreSqlDbContext> options)
    : OAuth2CaptureDbContext(options);

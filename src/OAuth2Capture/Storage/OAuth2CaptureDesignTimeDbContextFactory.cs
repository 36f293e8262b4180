using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OAuth2Capture.Storage;

/// <summary>
/// Lets <c>dotnet ef</c> build <see cref="OAuth2CaptureDbContext"/> for SQLite, to generate the migrations in
/// <c>Storage/Migrations/Sqlite</c>.
/// </summary>
/// <example>
/// <code>
/// dotnet ef migrations add NAME --project src/OAuth2Capture --context OAuth2CaptureDbContext --output-dir Storage/Migrations/Sqlite --namespace OAuth2Capture.Storage.Migrations.Sqlite
/// </code>
/// </example>
internal sealed class OAuth2CaptureDesignTimeDbContextFactory : IDesignTimeDbContextFactory<OAuth2CaptureDbContext>
{
    /// <inheritdoc/>
    public OAuth2CaptureDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<OAuth2CaptureDbContext>()
            .UseSqlite(OAuth2CaptureDefaults.SqliteConnectionString)
            .Options;
        return new OAuth2CaptureDbContext(options);
    }
}

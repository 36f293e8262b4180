using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using OAuth2Capture.Storage;

namespace OAuth2Capture.PostgreSql;

/// <summary>
/// Lets <c>dotnet ef</c> build <see cref="OAuth2CaptureDbContext"/> on PostgreSQL, to generate the migrations in
/// <c>Migrations/</c>. Generating migrations does not connect, so the connection string is a placeholder.
/// </summary>
/// <example>
/// <code>
/// dotnet ef migrations add NAME --project src/OAuth2Capture.PostgreSql --context OAuth2CaptureDbContext --output-dir Migrations --namespace OAuth2Capture.PostgreSql.Migrations
/// </code>
/// </example>
internal sealed class PostgreSqlDesignTimeDbContextFactory : IDesignTimeDbContextFactory<OAuth2CaptureDbContext>
{
    /// <inheritdoc/>
    public OAuth2CaptureDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<OAuth2CaptureDbContext>();
        PostgreSqlStoreEngine.UseNpgsql(builder, "Host=localhost;Database=oauth2capture");
        return new OAuth2CaptureDbContext(builder.Options);
    }
}

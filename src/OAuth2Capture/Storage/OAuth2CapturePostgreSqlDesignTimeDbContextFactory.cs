using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OAuth2Capture.Storage;

/// <summary>
/// Lets <c>dotnet ef</c> build <see cref="OAuth2CapturePostgreSqlDbContext"/>, to generate the migrations in
/// <c>Storage/Migrations/PostgreSql</c>. Generating migrations does not connect, so the connection string is a placeholder.
/// </summary>
/// <example>
/// <code>
/// dotnet ef migrations add NAME --project src/OAuth2Capture --context OAuth2CapturePostgreSqlDbContext --output-dir Storage/Migrations/PostgreSql --namespace OAuth2Capture.Storage.Migrations.PostgreSql
/// </code>
/// </example>
internal sealed class OAuth2CapturePostgreSqlDesignTimeDbContextFactory : IDesignTimeDbContextFactory<OAuth2CapturePostgreSqlDbContext>
{
    /// <inheritdoc/>
    public OAuth2CapturePostgreSqlDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<OAuth2CapturePostgreSqlDbContext>()
            .UseNpgsql("Host=localhost;Database=oauth2capture")
            .Options;
        return new OAuth2CapturePostgreSqlDbContext(options);
    }
}

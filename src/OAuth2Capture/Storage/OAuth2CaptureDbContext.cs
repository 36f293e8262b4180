using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Storage;

/// <summary>
/// The <see cref="DbContext"/> OAuth2Capture owns when the app does not map <see cref="OAuthToken"/> into its own context
/// (configured by <c>OAuth2Capture:Store</c>). On SQLite, dates are stored as UTC ticks.
/// </summary>
/// <remarks>
/// One context type for every engine: its migrations come from the engine's assembly (SQLite's from this package,
/// PostgreSQL's from <c>OAuth2Capture.PostgreSql</c>), chosen by <see cref="OAuth2CaptureStoreEngine.UseDatabase"/>.
/// </remarks>
public class OAuth2CaptureDbContext : DbContext
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The context's options.</param>
    public OAuth2CaptureDbContext(DbContextOptions<OAuth2CaptureDbContext> options)
        : base(options)
    {
    }

    /// <summary>Initializes a new instance of a derived context.</summary>
    /// <param name="options">The derived context's options.</param>
    protected OAuth2CaptureDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>Gets the stored connections.</summary>
    public DbSet<OAuthToken> Tokens => Set<OAuthToken>();

    /// <inheritdoc/>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOAuth2Capture(new OAuth2CaptureModelOptions { StoreDatesAsUtcTicks = Database.IsSqlite() });
    }
}

using Microsoft.EntityFrameworkCore;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>An app's own context that maps OAuth2Capture's entity next to its own.</summary>
internal sealed class AppOwnedDbContext(DbContextOptions<AppOwnedDbContext> options, bool storeDatesAsUtcTicks = true) : DbContext(options)
{
    public DbSet<AppNote> Notes => Set<AppNote>();

    public bool StoreDatesAsUtcTicks => storeDatesAsUtcTicks;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AppNote>().ToTable("notes");
        if (storeDatesAsUtcTicks)
        {
            modelBuilder.UseOAuth2Capture(new OAuth2CaptureModelOptions { StoreDatesAsUtcTicks = Database.IsSqlite() });
        }
        else
        {
            modelBuilder.UseOAuth2Capture();
        }
    }
}

using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Tests.ManyInstances;

/// <summary>The Data Protection key ring every instance reads, in the same database as the tokens (as docs/many-instances.md shows).</summary>
internal sealed class SharedKeysDbContext(DbContextOptions<SharedKeysDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public static void Configure(DbContextOptionsBuilder builder, OAuth2CaptureStoreProvider provider, string connectionString)
    {
        if (provider == OAuth2CaptureStoreProvider.PostgreSql)
        {
            builder.UseNpgsql(connectionString);
        }
        else
        {
            builder.UseSqlite(connectionString);
        }
    }
}

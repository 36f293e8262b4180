using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace OAuth2Capture.Examples;

/// <summary>One Data Protection key ring for every instance, so each can decrypt the tokens the others stored.</summary>
public static class SharedKeyRingExample
{
    /// <summary>Persists the keys in a directory every instance shares.</summary>
    /// <param name="services">The services.</param>
    /// <param name="sharedDirectory">A directory all instances mount.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSharedKeyRing(this IServiceCollection services, DirectoryInfo sharedDirectory)
    {
        // <snippet:shared-key-ring>
        services.AddDataProtection()
            .SetApplicationName("my-app")               // the same name on every instance
            .PersistKeysToFileSystem(sharedDirectory);  // or PersistKeysToDbContext, Azure Blob Storage, Redis
        // In production also encrypt the keys at rest, for example .ProtectKeysWithCertificate(certificate).
        // </snippet:shared-key-ring>
        return services;
    }
}

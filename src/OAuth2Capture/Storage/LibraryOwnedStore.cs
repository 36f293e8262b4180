using Microsoft.Extensions.DependencyInjection;

namespace OAuth2Capture.Storage;

/// <summary>
/// Whether the app runs the library's own store (its <see cref="OAuth2CaptureDbContext"/> behind
/// <see cref="EfCoreTokenStore{TContext}"/>), the one store the library may migrate and listen to. An app-owned context
/// or store keeps its schema and its writes to itself.
/// </summary>
internal static class LibraryOwnedStore
{
    /// <summary>Asks a scope which <see cref="ITokenStore"/> the app resolves.</summary>
    /// <param name="scopedServices">A scope's provider (the store is scoped).</param>
    /// <returns><see langword="true"/> when the store is the library's own.</returns>
    public static bool IsInUse(IServiceProvider scopedServices) =>
        scopedServices.GetService<ITokenStore>() is EfCoreTokenStore<OAuth2CaptureDbContext>;
}

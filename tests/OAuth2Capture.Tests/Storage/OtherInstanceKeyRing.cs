using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>
/// The key ring of another app instance: a real Data Protection key ring in a directory of its own, the same application
/// name, not shared with the app under test (two instances that were never given one key ring, or an app whose key ring
/// was lost in a redeploy and regenerated).
/// </summary>
internal sealed class OtherInstanceKeyRing : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("oauth2capture-other-keys-");

    public OtherInstanceKeyRing()
    {
        Protector = DataProtectionProvider.Create(directory, options => options.SetApplicationName("oauth2capture-tests"))
            .CreateProtector(DataProtectionTokenProtector.Purpose);
    }

    public IDataProtector Protector { get; }

    /// <summary>Stores the connection's own tokens again as the other instance would have: encrypted with its keys.</summary>
    public async Task<OAuthToken> RewriteAsync(IServiceProvider services, Guid id, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var own = scope.ServiceProvider.GetRequiredService<ITokenProtector>();
        var row = await store.FindByIdAsync(id, cancellationToken) ?? throw new InvalidOperationException("No such row.");
        row.EncryptedAccessToken = Protector.Protect(own.Unprotect(row.EncryptedAccessToken));
        row.EncryptedRefreshToken = row.EncryptedRefreshToken is null ? null : Protector.Protect(own.Unprotect(row.EncryptedRefreshToken));
        Assert.True(await store.TryUpdateAsync(row, cancellationToken));
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => own.Unprotect(row.EncryptedAccessToken));
        return row;
    }

    public void Dispose() => directory.Delete(recursive: true);
}

using Microsoft.AspNetCore.DataProtection;

namespace OAuth2Capture.Storage;

/// <summary>Encrypts token values with ASP.NET Core Data Protection (purpose <c>OAuth2Capture.Tokens.v1</c>).</summary>
/// <remarks>Several app instances must share one key ring (for example <c>PersistKeysToDbContext</c>) to read each other's rows.</remarks>
internal sealed class DataProtectionTokenProtector : ITokenProtector
{
    /// <summary>The Data Protection purpose; changing it makes every stored token unreadable.</summary>
    public const string Purpose = "OAuth2Capture.Tokens.v1";

    private readonly IDataProtector _protector;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="provider">The app's Data Protection provider.</param>
    public DataProtectionTokenProtector(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
    }

    /// <inheritdoc/>
    public string Protect(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return _protector.Protect(plaintext);
    }

    /// <inheritdoc/>
    public string Unprotect(string ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        return _protector.Unprotect(ciphertext);
    }
}

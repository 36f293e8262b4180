using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>
/// In-memory keys. Generating RSA keys costs up to a second or two on a busy machine, so the signing key is made
/// once per process and shared by every dev provider in it; each instance gets its own symmetric encryption key.
/// Nothing is ever written to disk.
/// </summary>
internal static class DevProviderKeys
{
    private static readonly Lazy<RsaSecurityKey> SharedSigningKey = new(
        static () => new RsaSecurityKey(RSA.Create(2048)) { KeyId = "oauth2capture-devprovider-" + Guid.NewGuid().ToString("N")[..8] },
        LazyThreadSafetyMode.ExecutionAndPublication);

    public static SecurityKey SigningKey => SharedSigningKey.Value;

    public static SecurityKey CreateEncryptionKey() => new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
}

namespace OAuth2Capture.Storage;

/// <summary>Encrypts token values before they are stored and decrypts them after they are read.</summary>
public interface ITokenProtector
{
    /// <summary>Encrypts a token value.</summary>
    /// <param name="plaintext">The token.</param>
    /// <returns>The ciphertext, safe to store.</returns>
    string Protect(string plaintext);

    /// <summary>Decrypts a stored token value.</summary>
    /// <param name="ciphertext">The stored value.</param>
    /// <returns>The token.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The key is missing (keys not shared between instances?) or the value was tampered with.</exception>
    string Unprotect(string ciphertext);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OAuth2Capture.Storage;

/// <summary>
/// The one place a connection's stored tokens are decrypted (through <see cref="ITokenProtector"/>), and this instance's
/// memory of the connections whose tokens it could not decrypt: the Data Protection key ring was lost, is not shared with
/// the instance that wrote them, or their key was revoked. A failed decrypt throws <see cref="UnreadableSecretsException"/>,
/// which the token service answers in one place.
/// </summary>
/// <remarks>
/// The verdict belongs to this instance and to the ciphertext it was reached on, so nothing is written to the store for
/// it: another instance may hold the keys, and a reconnect or a refresh elsewhere stores new ciphertext, which lapses the
/// verdict at once. The memory is bounded (<see cref="MaxRemembered"/> connections) and costs one emptiness check while
/// nothing is unreadable, so the status feature may ask it on every request.
/// </remarks>
internal sealed class TokenSecrets(ITokenProtector protector)
{
    /// <summary>How many unreadable connections are remembered; beyond that, they are still answered, but each failure reads as new.</summary>
    internal const int MaxRemembered = 4096;

    private readonly ConcurrentDictionary<Guid, int> unreadable = new();

    /// <summary>Gets how many connections this instance found unreadable and has not seen readable (or deleted) since.</summary>
    public int KnownUnreadableCount => unreadable.Count;

    /// <summary>Decrypts the row's access token.</summary>
    /// <exception cref="UnreadableSecretsException">This instance cannot decrypt it.</exception>
    public string ReadAccessToken(OAuthToken row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Read(row, row.EncryptedAccessToken);
    }

    /// <summary>Decrypts the row's refresh token, or answers <see langword="null"/> when none is stored.</summary>
    /// <exception cref="UnreadableSecretsException">This instance cannot decrypt it.</exception>
    public string? ReadRefreshToken(OAuthToken row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.EncryptedRefreshToken is null ? null : Read(row, row.EncryptedRefreshToken);
    }

    /// <summary>Whether this instance already found these very secrets unreadable; no decrypt.</summary>
    public bool IsKnownUnreadable(OAuthToken row)
        => !unreadable.IsEmpty && unreadable.TryGetValue(row.Id, out var seen) && seen == Fingerprint(row);

    /// <summary>Whether the row's tokens can be decrypted here: the memory's verdict, else one decrypt of each (remembered when it fails).</summary>
    public bool CanRead(OAuthToken row)
    {
        if (IsKnownUnreadable(row))
        {
            return false;
        }

        try
        {
            _ = ReadAccessToken(row);
            _ = ReadRefreshToken(row);
            return true;
        }
        catch (UnreadableSecretsException)
        {
            return false;
        }
    }

    /// <summary>Drops the memory of a connection (deleted, reconnected, or moved to re-auth by the operator's choice).</summary>
    public void Forget(Guid connectionId)
    {
        if (!unreadable.IsEmpty)
        {
            unreadable.TryRemove(connectionId, out _);
        }
    }

    private string Read(OAuthToken row, string ciphertext)
    {
        try
        {
            var plaintext = protector.Unprotect(ciphertext);
            Forget(row.Id);
            return plaintext;
        }
        catch (CryptographicException exception)
        {
            throw new UnreadableSecretsException(row.Id, Remember(row), exception);
        }
    }

    /// <summary>Remembers the row's secrets as unreadable; <see langword="true"/> when this is news (first failure, or new ciphertext).</summary>
    private bool Remember(OAuthToken row)
    {
        var fingerprint = Fingerprint(row);
        if (unreadable.TryGetValue(row.Id, out var seen))
        {
            unreadable[row.Id] = fingerprint;
            return seen != fingerprint;
        }

        if (unreadable.Count < MaxRemembered)
        {
            return unreadable.TryAdd(row.Id, fingerprint);
        }

        return true;
    }

    /// <summary>Tells this row's stored secrets from the ones a reconnect or a refresh stores later (no allocation).</summary>
    private static int Fingerprint(OAuthToken row)
        => HashCode.Combine(
            string.GetHashCode(row.EncryptedAccessToken, StringComparison.Ordinal),
            row.EncryptedAccessToken.Length,
            row.EncryptedRefreshToken is null ? 0 : string.GetHashCode(row.EncryptedRefreshToken, StringComparison.Ordinal));
}

using System.Security.Cryptography;

namespace OAuth2Capture.Storage;

/// <summary>
/// A connection's stored tokens cannot be decrypted by this instance (<see cref="TokenSecrets"/>). Never leaves the
/// library: the token service turns it into a result, and disconnecting deletes the row all the same.
/// </summary>
internal sealed class UnreadableSecretsException : Exception
{
    private int news;

    public UnreadableSecretsException(Guid connectionId, bool isNews, CryptographicException innerException)
        : base($"The stored tokens of connection {connectionId} cannot be decrypted by this instance: {innerException?.Message}", innerException)
    {
        ConnectionId = connectionId;
        news = isNews ? 1 : 0;
    }

    /// <summary>Gets the connection whose tokens could not be decrypted.</summary>
    public Guid ConnectionId { get; }

    /// <summary>
    /// Whether this instance had not seen these secrets fail before, answered <see langword="true"/> once: a refresh's
    /// failure reaches every caller that joined its flight as the same exception, and the operator is told once.
    /// </summary>
    public bool TryClaimReport() => Interlocked.Exchange(ref news, 0) == 1;
}

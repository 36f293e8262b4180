namespace OAuth2Capture.Storage;

/// <summary>
/// Told about every committed write of the built-in store that changes a connection's tokens, status or existence, so
/// that whatever keeps copies of connections above storage (the token cache) can drop its copy. Storage only announces;
/// it knows nothing of who listens.
/// </summary>
internal interface IConnectionWriteListener
{
    /// <summary>
    /// Gets a value indicating whether anyone listens now. A delete names its connection's owner and provider with one
    /// more read, paid only while this is <see langword="true"/>.
    /// </summary>
    bool IsListening { get; }

    /// <summary>Called after a write for the connection committed.</summary>
    /// <param name="connectionId">The connection's id.</param>
    /// <param name="ownerId">Its owner.</param>
    /// <param name="provider">Its provider.</param>
    void Written(Guid connectionId, string ownerId, string provider);
}

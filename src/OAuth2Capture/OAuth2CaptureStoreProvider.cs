namespace OAuth2Capture;

/// <summary>The database engine of the store OAuth2Capture owns.</summary>
public enum OAuth2CaptureStoreProvider
{
    /// <summary>SQLite, the embedded default (one app instance).</summary>
    Sqlite,

    /// <summary>PostgreSQL, for several app instances sharing one database.</summary>
    PostgreSql,
}

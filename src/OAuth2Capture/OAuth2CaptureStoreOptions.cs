namespace OAuth2Capture;

/// <summary>Settings of the store OAuth2Capture owns (<c>OAuth2Capture:Store</c>).</summary>
public sealed class OAuth2CaptureStoreOptions
{
    /// <summary>Gets or sets the database engine. <value>Default: <see cref="OAuth2CaptureStoreProvider.Sqlite"/>. Key: <c>OAuth2Capture:Store:Provider</c>.</value></summary>
    public OAuth2CaptureStoreProvider Provider { get; set; } = OAuth2CaptureStoreProvider.Sqlite;

    /// <summary>Gets or sets the connection string. <value>Default: <c>Data Source=oauth2capture.db</c>. Key: <c>OAuth2Capture:Store:ConnectionString</c>.</value></summary>
    public string ConnectionString { get; set; } = OAuth2CaptureDefaults.SqliteConnectionString;

    /// <summary>Gets or sets whether pending migrations are applied at start-up. <value>Default: <see langword="true"/>. Key: <c>OAuth2Capture:Store:ApplyMigrations</c>.</value></summary>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>
    /// Gets or sets what a connection whose stored tokens this instance cannot decrypt becomes (Data Protection keys lost,
    /// not shared, or revoked). Applies to an app-owned <c>DbContext</c> too.
    /// <value>Default: <see cref="UnreadableSecretsPolicy.ReportToOperator"/>. Key: <c>OAuth2Capture:Store:UnreadableSecrets</c>.</value>
    /// </summary>
    public UnreadableSecretsPolicy UnreadableSecrets { get; set; } = UnreadableSecretsPolicy.ReportToOperator;
}

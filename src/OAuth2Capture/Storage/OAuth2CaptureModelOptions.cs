namespace OAuth2Capture.Storage;

/// <summary>
/// How <see cref="Microsoft.EntityFrameworkCore.OAuth2CaptureModelBuilderExtensions.UseOAuth2Capture(Microsoft.EntityFrameworkCore.ModelBuilder, OAuth2CaptureModelOptions)"/>
/// maps <see cref="OAuthToken"/> into a model.
/// </summary>
public sealed class OAuth2CaptureModelOptions
{
    /// <summary>
    /// Gets or sets whether every date column is stored as UTC ticks (a 64-bit integer) instead of the database's native date type.
    /// Set it when the database is SQLite, which cannot compare or order <see cref="DateTimeOffset"/> values on the server;
    /// in <c>OnModelCreating</c>, pass <c>Database.IsSqlite()</c>. Values read back always carry a zero (UTC) offset.
    /// <value>Default: <see langword="false"/> (native type, such as PostgreSQL's <c>timestamptz</c>).</value>
    /// </summary>
    public bool StoreDatesAsUtcTicks { get; set; }
}

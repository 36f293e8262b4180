using OAuth2Capture.Storage;
using OAuth2Capture.Storage.Configurations;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Maps OAuth2Capture's entities into an application's own <see cref="DbContext"/>.</summary>
public static class OAuth2CaptureModelBuilderExtensions
{
    /// <summary>
    /// Maps <see cref="OAuthToken"/> (table <c>oauth2capture_tokens</c>) with native date columns.
    /// On SQLite, use the overload taking <see cref="OAuth2CaptureModelOptions"/> and set
    /// <see cref="OAuth2CaptureModelOptions.StoreDatesAsUtcTicks"/> to <c>Database.IsSqlite()</c>.
    /// </summary>
    /// <param name="modelBuilder">The model builder of the context's <c>OnModelCreating</c>.</param>
    /// <returns>The same model builder, so calls chain.</returns>
    public static ModelBuilder UseOAuth2Capture(this ModelBuilder modelBuilder)
        => modelBuilder.UseOAuth2Capture(new OAuth2CaptureModelOptions());

    /// <summary>Maps <see cref="OAuthToken"/> (table <c>oauth2capture_tokens</c>).</summary>
    /// <example>
    /// <code>
    /// protected override void OnModelCreating(ModelBuilder modelBuilder)
    ///     => modelBuilder.UseOAuth2Capture(new() { StoreDatesAsUtcTicks = Database.IsSqlite() });
    /// </code>
    /// </example>
    /// <param name="modelBuilder">The model builder of the context's <c>OnModelCreating</c>.</param>
    /// <param name="options">How to map the entity.</param>
    /// <returns>The same model builder, so calls chain.</returns>
    public static ModelBuilder UseOAuth2Capture(this ModelBuilder modelBuilder, OAuth2CaptureModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentNullException.ThrowIfNull(options);

        return modelBuilder.ApplyConfiguration(new OAuthTokenConfiguration(options.StoreDatesAsUtcTicks));
    }
}

using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.Storage;

/// <summary>
/// One database engine of the store OAuth2Capture owns (<c>OAuth2Capture:Store:Provider</c>): how to point the library's
/// <see cref="OAuth2CaptureDbContext"/> at it, how to check its connection string at start-up, and how to apply its
/// migrations safely. SQLite ships in the main package; PostgreSQL in the <c>OAuth2Capture.PostgreSql</c> package, found
/// when the app references it. An app that maps <see cref="OAuthToken"/> into its own context needs no engine.
/// </summary>
/// <remarks>Implemented by OAuth2Capture's store packages; apps do not derive from it.</remarks>
public abstract class OAuth2CaptureStoreEngine
{
    /// <summary>Gets the value of <c>OAuth2Capture:Store:Provider</c> this engine serves.</summary>
    public abstract OAuth2CaptureStoreProvider Provider { get; }

    /// <summary>Checks a connection string at start-up, without connecting.</summary>
    /// <param name="connectionString">The configured connection string (never echoed: it may hold a password).</param>
    /// <returns>Why the engine cannot use it, or <see langword="null"/> when it can.</returns>
    public abstract string? CheckConnectionString(string connectionString);

    /// <summary>Points the library's context at the database, with the engine's migrations.</summary>
    /// <param name="builder">The options builder of <see cref="OAuth2CaptureDbContext"/>.</param>
    /// <param name="connectionString">The configured connection string.</param>
    public abstract void UseDatabase(DbContextOptionsBuilder builder, string connectionString);

    /// <summary>Whether a context configured elsewhere runs on this engine (so these migrations fit it).</summary>
    /// <param name="context">The library's context.</param>
    /// <returns><see langword="true"/> when the context's database provider is this engine's.</returns>
    public abstract bool Runs(DbContext context);

    /// <summary>
    /// Applies the pending migrations at start-up, with whatever the engine needs around them (creating a missing
    /// database, serializing several instances starting together, a journal mode).
    /// </summary>
    /// <param name="context">The library's context on this engine.</param>
    /// <param name="applyPendingMigrations">Applies what the history table lacks (idempotent) and logs it.</param>
    /// <param name="cancellationToken">Stops start-up.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public virtual Task MigrateAsync(DbContext context, Func<CancellationToken, Task> applyPendingMigrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applyPendingMigrations);
        return applyPendingMigrations(cancellationToken);
    }

    /// <summary>
    /// Reports every committed change of a stored connection made by any instance, for as long as the app runs, so that
    /// refreshers waiting on another instance's lease wake at once and token-cache entries stay coherent. Engines without
    /// notifications return at once (the default); waiters then poll and cache entries expire.
    /// </summary>
    /// <param name="connectionString">The configured connection string.</param>
    /// <param name="changed">
    /// Called with the changed connection's id; with <see langword="null"/> when changes may have been missed (each time the
    /// feed starts listening, after a lost connection included).
    /// </param>
    /// <param name="live">Called with <see langword="true"/> once listening, with <see langword="false"/> when the feed is lost.</param>
    /// <param name="stoppingToken">Stops listening at shutdown.</param>
    /// <returns>A task that ends at shutdown (or at once without notifications).</returns>
    public virtual Task ListenForChangesAsync(string connectionString, Action<Guid?> changed, Action<bool> live, CancellationToken stoppingToken)
        => Task.CompletedTask;
}

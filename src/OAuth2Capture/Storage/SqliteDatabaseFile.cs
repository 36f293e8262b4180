using Microsoft.Data.Sqlite;

namespace OAuth2Capture.Storage;

/// <summary>Which file a SQLite connection string opens, if any (an in-memory database has none).</summary>
internal static class SqliteDatabaseFile
{
    /// <summary>Finds the full path of the database file the connection string names.</summary>
    /// <param name="connectionString">A SQLite connection string.</param>
    /// <param name="path">The file's full path, when there is a file.</param>
    /// <returns><see langword="false"/> for an in-memory database (<c>Mode=Memory</c>, <c>:memory:</c> or no data source).</returns>
    public static bool TryGetPath(string? connectionString, out string path)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(builder.DataSource)
            || builder.DataSource.Contains(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            path = string.Empty;
            return false;
        }

        path = Path.GetFullPath(builder.DataSource);
        return true;
    }
}

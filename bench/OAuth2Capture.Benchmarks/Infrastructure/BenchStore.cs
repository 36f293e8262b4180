namespace OAuth2Capture.Benchmarks.Infrastructure;

/// <summary>The database engines a sweep or a several-instance storm can use.</summary>
internal enum BenchStore
{
    /// <summary>A SQLite file in the temp folder (the library's default engine; WAL, set by the library at start-up).</summary>
    Sqlite,

    /// <summary>A throw-away database on the PostgreSQL server named by <c>OAUTH2CAPTURE_TEST_POSTGRES</c>.</summary>
    PostgreSql,
}

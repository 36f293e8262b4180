namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>The database engines a sweep run can use.</summary>
internal enum SweepStore
{
    /// <summary>A SQLite file in the temp folder (the library's default engine and journal mode).</summary>
    Sqlite,

    /// <summary>A throw-away database on the PostgreSQL server named by <c>OAUTH2CAPTURE_TEST_POSTGRES</c>.</summary>
    PostgreSql,
}

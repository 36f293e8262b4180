using Npgsql;
using NpgsqlTypes;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// The least any sweep must do on PostgreSQL: the ceiling client's call (<see cref="ProviderCeiling"/>) plus one committed
/// row write per answer, with plain Npgsql on the sweep's database, and the write taken off the call as the sweep does (up
/// to <c>concurrency</c> writes beside the calls; a call whose answer finds them all busy waits for one). No EF Core, no
/// encryption, no lease: what is left between this and the plain ceiling is the cost of storing outcomes on this machine,
/// which no library can avoid.
/// </summary>
internal sealed class WrittenCeiling : IAsyncDisposable
{
    private const int Rows = 1000;

    private readonly NpgsqlDataSource dataSource;
    private readonly SemaphoreSlim writes;
    private readonly List<Task> running = [];
    private int next;

    private WrittenCeiling(NpgsqlDataSource dataSource, int concurrency)
    {
        this.dataSource = dataSource;
        writes = new SemaphoreSlim(concurrency, concurrency);
    }

    /// <summary>Creates its own table of <see cref="Rows"/> rows in the sweep's database (the library's table is not touched).</summary>
    public static async Task<WrittenCeiling> CreateAsync(string connectionString, int concurrency, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var command = dataSource.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_ceiling_writes (id integer PRIMARY KEY, access_token text NOT NULL, updated_at timestamptz NOT NULL);" +
            $"INSERT INTO bench_ceiling_writes SELECT i, '', now() FROM generate_series(0, {Rows - 1}) AS i ON CONFLICT DO NOTHING;"))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Warm-up, as the library's context pool has after its first refreshes: one open connection per write place (a first
        // open costs a SCRAM exchange, tens of milliseconds), and the statement prepared once.
        var ceiling = new WrittenCeiling(dataSource, concurrency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => ceiling.WriteBesideAsync("warm-up", cancellationToken)));
        await Task.WhenAll(ceiling.running);
        ceiling.running.Clear();
        return ceiling;
    }

    /// <summary>Calls per second of the ceiling client with one write per answer.</summary>
    public async Task<double> MeasureAsync(SweepTokenEndpoint endpoint, int concurrency, int calls, TimeSpan minimum, CancellationToken cancellationToken)
    {
        var perSecond = await ProviderCeiling.MeasureAsync(endpoint, concurrency, calls, minimum, cancellationToken, (accessToken, token) => WriteBesideAsync(accessToken, token));
        await Task.WhenAll(running);
        return perSecond;
    }

    private async Task WriteBesideAsync(string accessToken, CancellationToken cancellationToken)
    {
        await writes.WaitAsync(cancellationToken);
        var write = WriteAsync(accessToken, cancellationToken);
        lock (running)
        {
            running.Add(write);
        }
    }

    private async Task WriteAsync(string accessToken, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            await using var command = dataSource.CreateCommand("UPDATE bench_ceiling_writes SET access_token = $1, updated_at = now() WHERE id = $2");
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = accessToken });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = Interlocked.Increment(ref next) % Rows });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            writes.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(running);
        await dataSource.DisposeAsync();
        writes.Dispose();
    }
}

using Microsoft.Extensions.Logging;
using Npgsql;

namespace OAuth2Capture.PostgreSql;

/// <summary>
/// Listens on <c>oauth2capture_connections</c> (filled by the trigger of migration <c>AddChangeNotifications</c>) over one
/// dedicated connection for as long as the app runs, and reconnects with a growing pause when that connection is lost.
/// Each (re)connection first reports "anything may have changed": notifications sent while nobody listened are gone.
/// </summary>
internal static partial class PostgreSqlChangeListener
{
    /// <summary>The channel the trigger notifies, with the connection id as payload.</summary>
    public const string Channel = "oauth2capture_connections";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    public static async Task ListenAsync(string connectionString, Action<Guid?> changed, Action<bool> live, ILogger logger, CancellationToken stoppingToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // A dead server or a dropped route is noticed within a minute instead of never.
            KeepAlive = 30,
            ApplicationName = "OAuth2Capture change feed",
        };
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = new NpgsqlConnection(settings.ConnectionString);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, notification) =>
                    {
                        if (Guid.TryParse(notification.Payload, out var connectionId))
                        {
                            changed(connectionId);
                        }
                    };
                    await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                    var command = new NpgsqlCommand($"LISTEN {Channel}", connection);
                    await using (command.ConfigureAwait(false))
                    {
                        await command.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    }

                    live(true);
                    changed(null);
                    Log.Listening(logger, Channel);
                    retry = FirstRetry;
                    while (true)
                    {
                        await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure of the feed only costs the wake-ups; waiters poll and cache entries expire meanwhile.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                live(false);
                Log.Lost(logger, retry, exception);
            }

            try
            {
                await Task.Delay(retry, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
        }

        live(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4011, EventName = "StoreChangeFeedListening", Level = LogLevel.Debug,
            Message = "Listening on PostgreSQL channel {Channel} for the other instances' connection changes.")]
        public static partial void Listening(ILogger logger, string channel);

        [LoggerMessage(EventId = 4012, EventName = "StoreChangeFeedLost", Level = LogLevel.Warning,
            Message = "The OAuth2Capture PostgreSQL change feed lost its connection; retrying in {Retry}. Meanwhile refreshers waiting on another instance poll, and token-cache entries live until they expire.")]
        public static partial void Lost(ILogger logger, TimeSpan retry, Exception exception);
    }
}

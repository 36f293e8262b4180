using Microsoft.Extensions.Logging;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>What the refresher's log event 5002 (<c>BackgroundSweepCompleted</c>) said.</summary>
internal sealed record SweepCompletion(int Seen, int Refreshed, int Failed, int ReauthRequired, int Skipped, TimeSpan Elapsed);

/// <summary>
/// A logger provider that waits for the background refresher's end-of-sweep log, as an operator's log pipeline would see
/// it: event 5002 (<c>BackgroundSweepCompleted</c>) completes <see cref="Completed"/> with its figures, event 5003
/// (<c>BackgroundSweepFailed</c>) faults it. Every other entry is ignored.
/// </summary>
internal sealed class SweepCompletedLoggerProvider : ILoggerProvider
{
    public const int SweepCompletedEventId = 5002;
    public const int SweepFailedEventId = 5003;
    public const string SweepCompletedEventName = "BackgroundSweepCompleted";
    public const string SweepFailedEventName = "BackgroundSweepFailed";

    private readonly TaskCompletionSource<SweepCompletion> completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the end of the first sweep.</summary>
    public Task<SweepCompletion> Completed => completed.Task;

    public ILogger CreateLogger(string categoryName) => new CompletionLogger(completed);

    public void Dispose()
    {
    }

    private sealed class CompletionLogger(TaskCompletionSource<SweepCompletion> completed) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == SweepFailedEventId && eventId.Name == SweepFailedEventName)
            {
                completed.TrySetException(new InvalidOperationException($"The sweep failed: {formatter(state, exception)}", exception));
            }
            else if (eventId.Id == SweepCompletedEventId && eventId.Name == SweepCompletedEventName && state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                var figures = values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
                completed.TrySetResult(new SweepCompletion(
                    Int(figures, "Seen"), Int(figures, "Refreshed"), Int(figures, "Failed"), Int(figures, "ReauthRequired"), Int(figures, "Skipped"),
                    TimeSpan.FromMilliseconds(Convert.ToDouble(figures["ElapsedMs"], System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        private static int Int(Dictionary<string, object?> figures, string name)
            => Convert.ToInt32(figures[name], System.Globalization.CultureInfo.InvariantCulture);
    }
}

using Microsoft.Extensions.Logging;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Background;

/// <summary>The background refresher's log events (5001–5008), all in the <see cref="BackgroundTokenRefresher"/> category.</summary>
internal static partial class BackgroundLog
{
    [LoggerMessage(EventId = 5001, EventName = "BackgroundRefreshStarted", Level = LogLevel.Information, Message = "Background refresh started: a sweep every {Interval}, renewing tokens {Window} ahead, {MaxConcurrency} at a time.")]
    public static partial void Started(ILogger logger, TimeSpan interval, TimeSpan window, int maxConcurrency);

    [LoggerMessage(EventId = 5002, EventName = "BackgroundSweepCompleted", Level = LogLevel.Information, Message = "Background sweep: {Seen} connections looked at, {Refreshed} refreshed, {Failed} failed, {ReauthRequired} need re-auth, {Skipped} skipped, in {ElapsedMs:F0} ms.")]
    public static partial void SweepCompleted(ILogger logger, int seen, int refreshed, int failed, int reauthRequired, int skipped, double elapsedMs);

    [LoggerMessage(EventId = 5003, EventName = "BackgroundSweepFailed", Level = LogLevel.Error, Message = "A background sweep failed; the next one runs at the next interval.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5004, EventName = "BackgroundRefreshFailed", Level = LogLevel.Warning, Message = "Background refresh of the {Provider} connection {ConnectionId} failed ({Status}, provider error {Error}); it cools down before the next attempt.")]
    public static partial void RefreshFailed(ILogger logger, string provider, Guid connectionId, TokenStatus status, string? error);

    [LoggerMessage(EventId = 5005, EventName = "BackgroundRefreshGaveUp", Level = LogLevel.Warning, Message = "Background refresh gives up on the {Provider} connection {ConnectionId}: it has failed transiently for {FailingFor} (last at {LastErrorAt:u}). It is tried again once a user request or a reconnect succeeds. Logged once per process.")]
    public static partial void GaveUp(ILogger logger, string provider, Guid connectionId, TimeSpan failingFor, DateTimeOffset lastErrorAt);

    [LoggerMessage(EventId = 5006, EventName = "ConnectionExpiringWithoutRefresh", Level = LogLevel.Information, Message = "The {Provider} connection {ConnectionId} ends at {ExpiresAt:u} and cannot be renewed silently; the user must reconnect.")]
    public static partial void ExpiringWithoutRefresh(ILogger logger, string provider, Guid connectionId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 5007, EventName = "BackgroundRefreshCrashed", Level = LogLevel.Error, Message = "Background refresh of the {Provider} connection {ConnectionId} threw.")]
    public static partial void RefreshCrashed(ILogger logger, Exception exception, string provider, Guid connectionId);

    [LoggerMessage(EventId = 5008, EventName = "ConnectionCountFailed", Level = LogLevel.Warning, Message = "Counting connections per provider after a sweep failed; the re-auth gauge keeps its previous values.")]
    public static partial void CountFailed(ILogger logger, Exception exception);
}

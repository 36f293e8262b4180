using Microsoft.Extensions.Logging;
using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Tokens;

/// <summary>The refresh's log events (2001–2015), all in the <see cref="TokenRefresher"/> category.</summary>
internal static partial class RefreshLog
{
    [LoggerMessage(EventId = 2001, EventName = "Refreshing", Level = LogLevel.Debug, Message = "Refreshing the {Provider} token of connection {ConnectionId}.")]
    public static partial void Refreshing(ILogger logger, string provider, Guid connectionId);

    [LoggerMessage(EventId = 2002, EventName = "Refreshed", Level = LogLevel.Information, Message = "Refreshed the {Provider} token of connection {ConnectionId} (refresh token rotated: {Rotated}).")]
    public static partial void Refreshed(ILogger logger, string provider, Guid connectionId, bool rotated);

    [LoggerMessage(EventId = 2003, EventName = "ReauthRequired", Level = LogLevel.Warning, Message = "The {Provider} connection {ConnectionId} needs the user to reconnect ({Reason}, provider error {Error}).")]
    public static partial void ReauthRequired(ILogger logger, string provider, Guid connectionId, ReauthReason reason, string? error);

    [LoggerMessage(EventId = 2004, EventName = "ProviderTemporarilyUnavailable", Level = LogLevel.Warning, Message = "Refreshing {Provider} connection {ConnectionId} failed transiently ({Kind}, HTTP {HttpStatus}, retry after {RetryAfter}).")]
    public static partial void TemporarilyUnavailable(ILogger logger, string provider, Guid connectionId, TokenEndpointFailureKind kind, int? httpStatus, TimeSpan? retryAfter);

    [LoggerMessage(EventId = 2005, EventName = "ProviderConfigurationRejected", Level = LogLevel.Error, Message = "{Provider} rejected the application's configuration while refreshing connection {ConnectionId} (error {Error}, HTTP {HttpStatus}): {Description} Check the client id, secret and endpoints; users are not asked to reconnect for this.")]
    public static partial void ConfigurationRejected(ILogger logger, string provider, Guid connectionId, string? error, int? httpStatus, string description);

    [LoggerMessage(EventId = 2006, EventName = "RefreshWriteConflict", Level = LogLevel.Information, Message = "Connection {ConnectionId} ({Provider}) changed while it was refreshed and now holds newer tokens; the refreshed token was handed out but not stored.")]
    public static partial void RefreshWriteConflict(ILogger logger, string provider, Guid connectionId);

    [LoggerMessage(EventId = 2007, EventName = "RefreshLostRaceRecovered", Level = LogLevel.Information, Message = "The {Provider} refresh of connection {ConnectionId} was rejected, but another writer had already renewed it; using the stored token.")]
    public static partial void RefreshLostRaceRecovered(ILogger logger, string provider, Guid connectionId);

    [LoggerMessage(EventId = 2008, EventName = "WaitingForRefreshLease", Level = LogLevel.Debug, Message = "Connection {ConnectionId} ({Provider}) is being refreshed by {LeaseOwner} until {LeaseExpiresAt}; waiting for its result.")]
    public static partial void WaitingForLease(ILogger logger, string provider, Guid connectionId, string? leaseOwner, DateTimeOffset? leaseExpiresAt);

    [LoggerMessage(EventId = 2009, EventName = "RefreshLeaseTakenOver", Level = LogLevel.Warning, Message = "The refresh lease of connection {ConnectionId} ({Provider}) held by {LeaseOwner} ended without a result (the holder crashed, stopped or failed to write); refreshing here.")]
    public static partial void LeaseTakenOver(ILogger logger, string provider, Guid connectionId, string leaseOwner);

    [LoggerMessage(EventId = 2010, EventName = "RefreshLeaseWaitTimedOut", Level = LogLevel.Warning, Message = "Gave up waiting for {LeaseOwner} to refresh connection {ConnectionId} ({Provider}); its lease runs until {LeaseExpiresAt}.")]
    public static partial void LeaseWaitTimedOut(ILogger logger, string provider, Guid connectionId, string? leaseOwner, DateTimeOffset? leaseExpiresAt);

    [LoggerMessage(EventId = 2011, EventName = "RefreshInterrupted", Level = LogLevel.Warning, Message = "The {Provider} refresh of connection {ConnectionId} was interrupted after it may have reached the provider; its lease is left marked as abandoned.")]
    public static partial void RefreshInterrupted(ILogger logger, string provider, Guid connectionId);

    [LoggerMessage(EventId = 2012, EventName = "RefreshedButNotStored", Level = LogLevel.Error, Message = "Refreshed the {Provider} token of connection {ConnectionId} but could not store the result (refresh token rotated: {Rotated}). The access token was handed out; a rotated refresh token is lost, and the user will have to reconnect (reason RotatedRefreshTokenLost) once the access token expires.")]
    public static partial void RefreshedButNotStored(ILogger logger, string provider, Guid connectionId, bool rotated, Exception exception);

    [LoggerMessage(EventId = 2013, EventName = "RefreshLeaseReleaseFailed", Level = LogLevel.Warning, Message = "Could not end the refresh lease of connection {ConnectionId}; it expires on its own.")]
    public static partial void LeaseReleaseFailed(ILogger logger, Guid connectionId, Exception exception);

    [LoggerMessage(EventId = 2014, EventName = "StoreRefreshedRetry", Level = LogLevel.Warning, Message = "Storing the refreshed tokens of connection {ConnectionId} failed (attempt {Attempt}); trying again, since a rotated refresh token exists nowhere else.")]
    public static partial void StoreRefreshedRetry(ILogger logger, Guid connectionId, int attempt, Exception exception);

    [LoggerMessage(EventId = 2015, EventName = "RefreshLeaseHeldElsewhere", Level = LogLevel.Debug, Message = "Connection {ConnectionId} ({Provider}) is being refreshed by {LeaseOwner} until {LeaseExpiresAt}; the background sweep leaves it to that refresher.")]
    public static partial void LeaseHeldElsewhere(ILogger logger, string provider, Guid connectionId, string? leaseOwner, DateTimeOffset? leaseExpiresAt);
}

using Microsoft.Extensions.Logging;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Log messages of the dev provider (event ids 9xxx). Never logs token values or secrets.</summary>
internal static partial class DevProviderLog
{
    [LoggerMessage(EventId = 9001, EventName = "DevProviderTokenFaultApplied", Level = LogLevel.Information,
        Message = "Dev provider answered a token request with the fault {Fault}.")]
    public static partial void TokenFaultApplied(ILogger logger, DevTokenFault fault);

    [LoggerMessage(EventId = 9002, EventName = "DevProviderClientSecretRejected", Level = LogLevel.Information,
        Message = "Dev provider rejected a token request with invalid_client (RejectClientSecret is set).")]
    public static partial void ClientSecretRejected(ILogger logger);

    [LoggerMessage(EventId = 9003, EventName = "DevProviderExpiredRefreshTokenRejected", Level = LogLevel.Information,
        Message = "Dev provider rejected an expired refresh token with invalid_grant.")]
    public static partial void ExpiredRefreshTokenRejected(ILogger logger);

    [LoggerMessage(EventId = 9004, EventName = "DevProviderHangReleased", Level = LogLevel.Information,
        Message = "Dev provider released a hanging token request; its connection is aborted.")]
    public static partial void HangReleased(ILogger logger);

    [LoggerMessage(EventId = 9005, EventName = "DevProviderClientRegistered", Level = LogLevel.Information,
        Message = "Dev provider registered client {ClientId}.")]
    public static partial void ClientRegistered(ILogger logger, string clientId);

    [LoggerMessage(EventId = 9006, EventName = "DevProviderControlRequestRefused", Level = LogLevel.Warning,
        Message = "Dev provider refused a control request from non-loopback address {RemoteAddress}.")]
    public static partial void ControlRequestRefused(ILogger logger, string? remoteAddress);
}

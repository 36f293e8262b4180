namespace OAuth2Capture.DevProvider.Internal;

/// <summary>One queued one-shot token fault.</summary>
internal readonly record struct PendingTokenFault(DevTokenFault Fault, TimeSpan? RetryAfter);

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>
/// The callback could not be matched to a connect started in this browser: its <c>state</c> was missing or tampered with,
/// or the correlation cookie was missing (replayed link, cleared cookies, another browser).
/// </summary>
internal sealed class CallbackStateException(Exception failure) : Exception(failure.Message, failure);

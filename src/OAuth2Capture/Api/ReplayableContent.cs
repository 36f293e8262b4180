namespace OAuth2Capture.Api;

/// <summary>
/// Whether a request's content can be sent a second time as it was the first: none, bytes in memory (string, form, byte
/// array content), or JSON serialized from a value. A stream is read once, so a request with one is never sent again.
/// </summary>
internal static class ReplayableContent
{
    public static bool IsReplayable(HttpContent? content) => content switch
    {
        null => true,
        ByteArrayContent or ReadOnlyMemoryContent or System.Net.Http.Json.JsonContent => true,
        MultipartContent parts => parts.All(IsReplayable),
        _ => false,
    };
}

namespace OAuth2Capture.Http;

/// <summary>Open-redirect guard: which return URLs are honoured.</summary>
internal static class LocalUrl
{
    /// <summary>
    /// True for an app-relative path: starts with a single <c>/</c> (not <c>//</c> or <c>/\</c>, which browsers treat as
    /// another host), or with <c>~/</c>; no control characters. Absolute URLs are never local, even to this host.
    /// </summary>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2048 || url.Any(char.IsControl))
        {
            return false;
        }

        if (url[0] == '/')
        {
            return url.Length == 1 || (url[1] != '/' && url[1] != '\\');
        }

        return url.Length > 1 && url[0] == '~' && url[1] == '/' && (url.Length == 2 || (url[2] != '/' && url[2] != '\\'));
    }

    /// <summary>The URL when local, else <paramref name="fallback"/>.</summary>
    public static string OrDefault(string? url, string fallback)
        => IsLocal(url) ? (url![0] == '~' ? url[1..] : url) : fallback;
}

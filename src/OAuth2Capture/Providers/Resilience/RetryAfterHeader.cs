namespace OAuth2Capture.Providers.Resilience;

/// <summary>Reads <c>Retry-After</c> (seconds or an HTTP date, relative to the answer's own <c>Date</c>); a past date means zero.</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date && response.Headers.Date is { } now)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }
}

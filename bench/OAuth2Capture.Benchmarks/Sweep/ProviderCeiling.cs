using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// The provider's ceiling: the same token endpoint driven directly by a plain <see cref="HttpClient"/> (form POST, JSON
/// answer parsed, no retries, no store) at the sweep's concurrency, for a fixed number of calls. What the sweep would reach
/// if the library and the store cost nothing.
/// </summary>
internal static class ProviderCeiling
{
    /// <summary>The most calls one measurement makes (fewer when the sweep has fewer rows).</summary>
    public const int MaxCalls = 5000;

    /// <summary>The prefix of the ceiling client's refresh tokens, distinct from the seeded rows' (the endpoint counts them in all only).</summary>
    public const string RefreshTokenPrefix = "ceiling-";

    /// <summary>
    /// Makes rounds of <paramref name="calls"/> refresh calls, <paramref name="concurrency"/> at a time, after one unmeasured
    /// call per caller, until at least <paramref name="minimum"/> has passed (one round when it is zero): at latency 0 a round
    /// of 5,000 calls takes a fraction of a second, too short to measure on a loaded machine.
    /// </summary>
    /// <param name="answered">Given each access token answered, before the caller's next call (<see cref="WrittenCeiling"/>); none: nothing.</param>
    /// <returns>Calls per second.</returns>
    public static async Task<double> MeasureAsync(
        SweepTokenEndpoint endpoint, int concurrency, int calls, TimeSpan minimum, CancellationToken cancellationToken, Func<string, CancellationToken, Task>? answered = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };

        // Warm-up: JIT and one pooled connection per caller, as the library's client has after its first refreshes.
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(caller => CallAsync(http, endpoint, $"{RefreshTokenPrefix}warm-{caller}", cancellationToken)));

        var started = Stopwatch.GetTimestamp();
        var made = 0;
        do
        {
            var round = made / calls;
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int call;
                while ((call = Interlocked.Increment(ref next)) < calls)
                {
                    var accessToken = await CallAsync(http, endpoint, $"{RefreshTokenPrefix}{round}-{call}", cancellationToken);
                    if (answered is not null)
                    {
                        await answered(accessToken, cancellationToken);
                    }
                }
            }));
            made += calls;
        }
        while (Stopwatch.GetElapsedTime(started) < minimum);

        return made / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<string> CallAsync(HttpClient http, SweepTokenEndpoint endpoint, string refreshToken, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = SweepTokenEndpoint.ClientId,
            ["client_secret"] = SweepTokenEndpoint.ClientSecret,
        });
        using var response = await http.PostAsync(endpoint.TokenEndpoint, form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        if (response.StatusCode != HttpStatusCode.OK || !json.RootElement.TryGetProperty("access_token", out var accessToken) || accessToken.GetString() is not { } value)
        {
            throw new InvalidOperationException($"The token endpoint answered HTTP {(int)response.StatusCode} to the ceiling client: {body}");
        }

        return value;
    }
}

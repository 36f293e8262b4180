using System.Net;
using System.Text;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.Http;

/// <summary>
/// A bounded fuzz pass over the library's own endpoints (connect, callback, list, revoke) on 127.0.0.1: random and
/// oversized <c>state</c>, <c>code</c>, <c>returnUrl</c>, <c>error_description</c>, provider names and connection ids,
/// with CRLF, NUL, invalid UTF-8, markup and 64 KB values. No answer may be a 5xx, no HTML page may reflect markup,
/// and nothing may be stored or deleted. The seed is fixed so a failure replays; the failing request is named.
/// </summary>
public sealed class HostileInputFuzzTests : IAsyncLifetime
{
    private const int Requests = 2_000;
    private const int Seed = 20261202;

    private static readonly string[] Markup = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "<svg/onload=alert(1)>"];

    private DevProviderServer dev = null!;
    private ConnectAppHarness app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        dev = await DevProviderServer.StartAsync(cancellationToken: Ct);
        app = await ConnectAppHarness.StartAsync(dev);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await dev.DisposeAsync();
    }

    [Fact]
    public async Task Hostile_values_on_every_endpoint_get_no_5xx_reflect_no_markup_and_change_nothing_stored()
    {
        using var alice = new Browser();
        await app.SignInAsync(alice, "alice", Ct);
        (await app.ConnectAsync(alice, "alice", "/", Ct)).Dispose();
        var kept = Assert.Single(await app.ConnectionsOfAsync("alice"));
        var cookie = alice.Cookies.GetCookieHeader(app.BaseUri);

        // No cookie container: each connect sets correlation cookies, which would pile up into a header that is too large.
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
        var random = new Random(Seed);
        var failures = new List<string>();
        var requests = Enumerable.Range(0, Requests).Select(i => NextRequest(random, kept.Id)).ToArray();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (fuzz, ct) =>
        {
            HttpRequestMessage Build()
            {
                var request = fuzz.Build(app.BaseUri);
                if (fuzz.SignedIn)
                {
                    request.Headers.TryAddWithoutValidation("Cookie", cookie);
                }

                request.Headers.TryAddWithoutValidation("Accept", fuzz.Html ? "text/html" : "application/json");
                return request;
            }

            HttpResponseMessage response;
            using (var request = Build())
            {
                try
                {
                    response = await client.SendAsync(request, ct);
                }
                catch (HttpRequestException sending) when (sending.InnerException is IOException)
                {
                    // Kestrel may answer a large hostile body early and close the connection while the client still
                    // writes it ("broken pipe"): a race, not an answer. The same request again must get one; an app that
                    // aborts the connection every time fails here.
                    using var again = Build();
                    response = await client.SendAsync(again, ct);
                }
            }

            using var _ = response;
            var body = await response.Content.ReadAsStringAsync(ct);
            var problem = (int)response.StatusCode >= 500
                ? $"HTTP {(int)response.StatusCode}"
                : response.Content.Headers.ContentType?.MediaType == "text/html" && Markup.Any(m => body.Contains(m, StringComparison.OrdinalIgnoreCase))
                    ? "markup reflected in the page"
                    : null;
            if (problem is not null)
            {
                lock (failures)
                {
                    failures.Add($"{problem} [{Shorten(body.Replace("\n", " "))}]: {fuzz.Method} {Shorten(fuzz.PathAndQuery)}{(fuzz.Form is null ? "" : " form " + Shorten(fuzz.Form))}{(fuzz.SignedIn ? " (signed in)" : "")}");
                }
            }
        });

        Assert.True(failures.Count == 0, $"{failures.Count} of {Requests} requests failed (seed {Seed}):{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(20))}");
        var after = Assert.Single(await app.ConnectionsOfAsync("alice"));
        Assert.Equal(kept.Id, after.Id);
        Assert.Equal(kept.ConcurrencyToken, after.ConcurrencyToken);
        Assert.Empty(await app.ConnectionsOfAsync("mallory"));
    }

    private static FuzzRequest NextRequest(Random random, Guid keptId)
    {
        var html = random.Next(2) == 0;
        var signedIn = random.Next(4) != 0;
        var provider = random.Next(3) == 0 ? "dev" : Value(random);
        switch (random.Next(4))
        {
            case 0:
                return new("GET", $"oauth2/{Segment(provider)}/connect?returnUrl={Query(Value(random))}", null, html, signedIn);
            case 1:
                var callback = new StringBuilder($"oauth2/{Segment(provider)}/callback?");
                foreach (var name in new[] { "state", "code", "error", "error_description", "error_uri", "iss" })
                {
                    if (random.Next(2) == 0)
                    {
                        callback.Append(name).Append('=').Append(Query(Value(random))).Append('&');
                    }
                }

                return new("GET", callback.ToString(), null, html, signedIn);
            case 2:
                return new("GET", $"oauth2/?format={Query(Value(random))}", null, html, signedIn);
            default:
                // Someone else's id, a random one, or garbage; the kept connection belongs to alice and must survive.
                var id = random.Next(3) switch { 0 => keptId.ToString(), 1 => Guid.NewGuid().ToString(), _ => Value(random) };
                var form = $"__RequestVerificationToken={Query(Value(random))}&returnUrl={Query(Value(random))}";
                return new("POST", $"oauth2/{Segment(id)}/revoke", form, html, signedIn && random.Next(2) == 0);
        }
    }

    /// <summary>Random text: short or 64 KB, with CRLF, NUL, markup, invalid UTF-8 (as raw percent escapes), slashes and dots.</summary>
    private static string Value(Random random) => random.Next(10) switch
    {
        0 => new string('A', 64 * 1024),
        1 => "\r\nSet-Cookie: owned=1\r\n",
        2 => "\0nul\0",
        3 => Markup[random.Next(Markup.Length)],
        4 => "%C3%28%FF%FE%ED%A0%80",
        5 => "//evil.example/" + random.Next(),
        6 => "../../" + new string('.', random.Next(1, 300)),
        7 => string.Empty,
        8 => new string((char)random.Next(0x20, 0x7F), random.Next(1, 3000)),
        _ => Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
    };

    /// <summary>A query value; the invalid-UTF-8 escapes stay raw so the server sees the bad bytes.</summary>
    private static string Query(string value) => value.StartsWith("%C3%28", StringComparison.Ordinal) ? value : Uri.EscapeDataString(value);

    private static string Segment(string value) => value.StartsWith("%C3%28", StringComparison.Ordinal) ? value : Uri.EscapeDataString(value);

    private static string Shorten(string value) => value.Length <= 160 ? value : $"{value[..160]}… ({value.Length} chars)";

    private sealed record FuzzRequest(string Method, string PathAndQuery, string? Form, bool Html, bool SignedIn)
    {
        public HttpRequestMessage Build(Uri baseUri)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), new Uri(baseUri, PathAndQuery));
            if (Form is not null)
            {
                request.Content = new StringContent(Form, Encoding.UTF8, "application/x-www-form-urlencoded");
            }

            return request;
        }
    }
}

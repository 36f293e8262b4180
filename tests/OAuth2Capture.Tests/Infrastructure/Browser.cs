using System.Net;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// A cookie-keeping HTTP client that follows redirects one hop at a time, across hosts (the app and the DevProvider),
/// the way a browser does, recording every hop.
/// </summary>
internal sealed class Browser : IDisposable
{
    private readonly HttpClient client;

    public Browser()
    {
        Cookies = new CookieContainer();
        client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public CookieContainer Cookies { get; }

    public List<Uri> Hops { get; } = [];

    /// <summary>Rewrites a URL just before it is requested (for example to add <c>login_hint</c> at the provider).</summary>
    public Func<Uri, Uri>? Rewrite { get; set; }

    public string Accept { get; set; } = "text/html,application/xhtml+xml";

    public Task<HttpResponseMessage> GetAsync(Uri url, CancellationToken ct) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url), follow: true, ct);

    public Task<HttpResponseMessage> GetOnceAsync(Uri url, CancellationToken ct) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url), follow: false, ct);

    public Task<HttpResponseMessage> PostFormAsync(Uri url, IEnumerable<KeyValuePair<string, string>> form, CancellationToken ct, bool follow = true)
        => SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) }, follow, ct);

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool follow, CancellationToken ct)
    {
        for (var hop = 0; ; hop++)
        {
            if (Rewrite is not null)
            {
                request.RequestUri = Rewrite(request.RequestUri!);
            }

            if (!request.Headers.Contains("Accept"))
            {
                request.Headers.TryAddWithoutValidation("Accept", Accept);
            }

            Hops.Add(request.RequestUri!);
            var response = await client.SendAsync(request, ct);
            if (!follow || (int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is null)
            {
                return response;
            }

            Assert.True(hop < 15, "Too many redirects: " + string.Join(" -> ", Hops));
            var next = new Uri(request.RequestUri!, response.Headers.Location);
            response.Dispose();
            request = new HttpRequestMessage(HttpMethod.Get, next);
        }
    }

    public void Dispose() => client.Dispose();
}

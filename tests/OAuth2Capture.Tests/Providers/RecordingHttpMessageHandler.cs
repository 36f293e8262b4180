using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace OAuth2Capture.Tests.Providers;

/// <summary>One request as the provider would have seen it.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? ContentType, string? Body)
{
    /// <summary>Gets the form-encoded body as fields.</summary>
    public IReadOnlyDictionary<string, string> Form => Body is null
        ? new Dictionary<string, string>()
        : QueryHelpers.ParseQuery(Body).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());

    /// <summary>Gets the query string as fields.</summary>
    public IReadOnlyDictionary<string, string> Query
        => QueryHelpers.ParseQuery(Uri.Query).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());

    /// <summary>Gets a header value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Captures every request (method, URI, headers, body) and answers with canned replies, in order.</summary>
internal sealed class RecordingHttpMessageHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, HttpResponseMessage>> replies = new();

    public List<RecordedRequest> Requests { get; } = [];

    public RecordedRequest Single => Assert.Single(Requests);

    public RecordingHttpMessageHandler Reply(HttpStatusCode status, string body, string contentType = "application/json", Action<HttpResponseMessage>? configure = null)
    {
        replies.Enqueue(_ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            configure?.Invoke(response);
            return response;
        });
        return this;
    }

    public RecordingHttpMessageHandler Throw(Exception exception)
    {
        replies.Enqueue(_ => throw exception);
        return this;
    }

    public HttpClient CreateClient() => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        string? body = null;
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }

            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, headers, request.Content?.Headers.ContentType?.MediaType, body));
        Assert.True(replies.Count > 0, $"No canned reply left for {request.Method} {request.RequestUri}.");
        return replies.Dequeue()(request);
    }
}

namespace ReauthSample;

/// <summary>
/// The one address the sample is used at. The embedded DevProvider's endpoints and the redirect URIs registered there
/// are absolute, so they are worked out before the app starts from the first <c>--urls</c> entry (default
/// <c>http://127.0.0.1:5080</c>); requests arriving under another host name are redirected to it, so cookies and
/// redirect URIs always agree.
/// </summary>
public sealed class SampleUrls
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public SampleUrls(Uri publicBase) => PublicBase = publicBase;

    /// <summary>Gets the base address with a trailing slash, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri PublicBase { get; }

    public static SampleUrls FromListenUrls(string? urls, string? publicUrl)
    {
        if (!string.IsNullOrWhiteSpace(publicUrl))
        {
            return new SampleUrls(new Uri(publicUrl.TrimEnd('/') + "/"));
        }

        var first = (urls ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? DefaultUrl;

        // Wildcard and localhost bindings are reachable at 127.0.0.1: use it, the DevProvider lives in this process.
        var host = first.Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://localhost", "://127.0.0.1", StringComparison.OrdinalIgnoreCase)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
        var uri = new Uri(host.TrimEnd('/') + "/");
        if (uri.Port == 0)
        {
            throw new InvalidOperationException(
                "ReauthSample needs a fixed port (the DevProvider's redirect URIs include it): pass --urls http://127.0.0.1:<port>.");
        }

        return new SampleUrls(uri);
    }

    public Uri Url(string relative) => new(PublicBase, relative.TrimStart('/'));
}

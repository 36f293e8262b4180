namespace OAuth2Capture;

/// <summary>Default values of OAuth2Capture's settings.</summary>
public static class OAuth2CaptureDefaults
{
    /// <summary>The configuration section name: <c>OAuth2Capture</c>.</summary>
    public const string ConfigurationSection = "OAuth2Capture";

    /// <summary>The route prefix of the library's endpoints: <c>/oauth2</c>.</summary>
    public const string PathPrefix = "/oauth2";

    /// <summary>
    /// The TempData key under which <c>[RequireOAuthToken]</c> leaves the friendly re-auth message for the page the user
    /// lands on: <c>OAuth2Capture.Message</c>.
    /// </summary>
    public const string TempDataMessageKey = "OAuth2Capture.Message";

    /// <summary>The TempData key naming the provider the message is about: <c>OAuth2Capture.Provider</c>.</summary>
    public const string TempDataProviderKey = "OAuth2Capture.Provider";

    /// <summary>The <c>Retry-After</c> sent with a 503 when the provider gave none: 30 seconds.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>The SQLite connection string of the embedded store.</summary>
    public const string SqliteConnectionString = "Data Source=oauth2capture.db";

    /// <summary>How long before expiry an access token is refreshed: 5 minutes.</summary>
    public static readonly TimeSpan RefreshSkew = TimeSpan.FromMinutes(5);

    /// <summary>How far ahead dashboards look for connections that will need the user: 7 days.</summary>
    public static readonly TimeSpan ExpiringSoonWindow = TimeSpan.FromDays(7);

    /// <summary>How long a provider's verdict on a token is cached: 1 minute.</summary>
    public static readonly TimeSpan ValidationCacheDuration = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a refresh lease lasts when its holder never releases it (crashed or stopped): 30 seconds, longer than the
    /// default bound on one provider call (20 seconds) so a live refresh never loses its lease.
    /// </summary>
    public static readonly TimeSpan RefreshLeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>The default <see cref="OAuth2CaptureOptions.TokenCacheSizeLimit"/>: 10,000 entries.</summary>
    public const int TokenCacheSizeLimit = 10_000;

    /// <summary>The prefix of the named <see cref="System.Net.Http.HttpClient"/> of each provider: <c>OAuth2Capture.</c>.</summary>
    public const string HttpClientNamePrefix = "OAuth2Capture.";

    /// <summary>The authentication scheme name prefix of each provider's OAuth handler: <c>OAuth2Capture.</c>.</summary>
    public const string AuthenticationSchemePrefix = "OAuth2Capture.";
}

using OAuth2Capture.Providers;

namespace OAuth2Capture;

/// <summary>OAuth2Capture's settings, bound from the <c>OAuth2Capture</c> configuration section.</summary>
public sealed class OAuth2CaptureOptions
{
    /// <summary>Gets or sets the route prefix of the connect, callback, list and revoke endpoints.
    /// <value>Default: <c>/oauth2</c>. Key: <c>OAuth2Capture:PathPrefix</c>.</value></summary>
    public string PathPrefix { get; set; } = OAuth2CaptureDefaults.PathPrefix;

    /// <summary>Gets or sets the embedded store's settings (ignored when the app maps the entity into its own <c>DbContext</c>).
    /// <value>Key: <c>OAuth2Capture:Store</c>.</value></summary>
    public OAuth2CaptureStoreOptions Store { get; set; } = new();

    /// <summary>Gets or sets how long before its expiry an access token is refreshed.
    /// <value>Default: 5 minutes. Key: <c>OAuth2Capture:RefreshSkew</c>.</value></summary>
    public TimeSpan RefreshSkew { get; set; } = OAuth2CaptureDefaults.RefreshSkew;

    /// <summary>Gets or sets how long an instance holds a connection's refresh lease: the database-level claim that makes one
    /// refresh happen once across every instance sharing the store. Others wait for the holder's result up to this long; a
    /// lease whose holder crashed or stopped expires after it, and another instance refreshes. Must exceed
    /// <see cref="OAuth2CaptureResilienceOptions.TotalTimeout"/>, so a live refresh never outlives its lease.
    /// <value>Default: 30 seconds. Key: <c>OAuth2Capture:RefreshLeaseDuration</c>.</value></summary>
    public TimeSpan RefreshLeaseDuration { get; set; } = OAuth2CaptureDefaults.RefreshLeaseDuration;

    /// <summary>Gets or sets how far ahead <see cref="Tokens.ITokenValidityService.GetExpiringConnectionsAsync"/> looks.
    /// <value>Default: 7 days. Key: <c>OAuth2Capture:ExpiringSoonWindow</c>.</value></summary>
    public TimeSpan ExpiringSoonWindow { get; set; } = OAuth2CaptureDefaults.ExpiringSoonWindow;

    /// <summary>Gets or sets how long a provider's verdict from <see cref="Tokens.ITokenValidityService.ValidateWithProviderAsync"/> is cached.
    /// <value>Default: 1 minute. Key: <c>OAuth2Capture:ValidationCacheDuration</c>.</value></summary>
    public TimeSpan ValidationCacheDuration { get; set; } = OAuth2CaptureDefaults.ValidationCacheDuration;

    /// <summary>Gets or sets how long this instance may answer <see cref="Tokens.ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/>
    /// from memory, without a store round trip, after reading a usable token. <see cref="TimeSpan.Zero"/> turns the cache off.
    /// An entry never outlives the token's refresh point (expiry minus <see cref="RefreshSkew"/>), and every write this process
    /// makes through the built-in store forgets the connection at once; a reconnect, revocation or refresh made by
    /// <em>another</em> instance is seen here only when the entry expires (see docs/performance.md).
    /// <value>Default: zero (off). Key: <c>OAuth2Capture:TokenCacheDuration</c>.</value></summary>
    public TimeSpan TokenCacheDuration { get; set; }

    /// <summary>Gets or sets how many entries the token cache holds at most; when it is full of live entries it starts over.
    /// <value>Default: 10,000. Key: <c>OAuth2Capture:TokenCacheSizeLimit</c>.</value></summary>
    public int TokenCacheSizeLimit { get; set; } = OAuth2CaptureDefaults.TokenCacheSizeLimit;

    /// <summary>Gets or sets where users land after connecting when the <c>returnUrl</c> is missing or not local.
    /// <value>Default: <c>/</c>. Key: <c>OAuth2Capture:DefaultReturnUrl</c>.</value></summary>
    public string DefaultReturnUrl { get; set; } = "/";

    /// <summary>Gets or sets how many authorizations of one connection that each died within 5 minutes, inside
    /// <see cref="ReauthLoopWindow"/>, make the next "please reconnect" a loop: the user then sees an operator-facing
    /// error instead of another redirect.
    /// <value>Default: 3. Key: <c>OAuth2Capture:ReauthLoopThreshold</c>.</value></summary>
    public int ReauthLoopThreshold { get; set; } = 3;

    /// <summary>Gets or sets the window of <see cref="ReauthLoopThreshold"/>.
    /// <value>Default: 15 minutes. Key: <c>OAuth2Capture:ReauthLoopWindow</c>.</value></summary>
    public TimeSpan ReauthLoopWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the app's event handlers (code only).</summary>
    public Reauth.OAuth2CaptureEvents Events { get; set; } = new();

    /// <summary>Gets or sets a type derived from <see cref="Reauth.OAuth2CaptureEvents"/> resolved from DI instead of <see cref="Events"/> (code only).</summary>
    public Type? EventsType { get; set; }

    /// <summary>Gets or sets the time bounds, retries and circuit breaker of every provider call.
    /// <value>Key: <c>OAuth2Capture:Resilience</c>.</value></summary>
    public OAuth2CaptureResilienceOptions Resilience { get; set; } = new();

    /// <summary>Gets or sets the background refresher's settings (off unless <c>Enabled</c>).
    /// <value>Key: <c>OAuth2Capture:BackgroundRefresh</c>.</value></summary>
    public Background.OAuth2CaptureBackgroundRefreshOptions BackgroundRefresh { get; set; } = new();

    /// <summary>Gets the configured providers by name (case-insensitive). Built-in names: <c>twitter</c>, <c>linkedin</c>,
    /// <c>github</c>, <c>reddit</c>, <c>pinterest</c>, <c>facebook</c>, <c>youtube</c>; any other name is a generic provider.
    /// <value>Key: <c>OAuth2Capture:Providers:{name}</c>.</value></summary>
    public IDictionary<string, OAuthProviderOptions> Providers { get; } = new Dictionary<string, OAuthProviderOptions>(StringComparer.OrdinalIgnoreCase);
}

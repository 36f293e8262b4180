using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OAuth2Capture.DevProvider;

/// <summary>
/// Settings of a dev provider instance, read once when it starts.
/// </summary>
public sealed class DevProviderOptions
{
    /// <summary>Gets the scopes every dev provider knows: <c>openid profile offline_access read write</c>.</summary>
    public static IReadOnlyList<string> DefaultScopes { get; } = ["openid", "profile", "offline_access", "read", "write"];

    /// <summary>Gets or sets the client id of the default confidential client.</summary>
    /// <value>Defaults to <c>oauth2capture-tests</c>.</value>
    public string ClientId { get; set; } = "oauth2capture-tests";

    /// <summary>Gets or sets the client secret of the default confidential client.</summary>
    /// <value>Defaults to <c>dev-secret</c>.</value>
    public string ClientSecret { get; set; } = "dev-secret";

    /// <summary>Gets the exact redirect URIs of the default client.</summary>
    /// <value>Defaults to one entry, <c>http://127.0.0.1/callback</c>.</value>
    public IList<Uri> RedirectUris { get; } = [new Uri("http://127.0.0.1/callback")];

    /// <summary>
    /// Gets further clients registered at start-up, beside the default one, for example a second app "provider" backed by
    /// the same server (each client has its own grants, so one can be revoked while the other works).
    /// </summary>
    /// <value>Empty by default.</value>
    public IList<DevClient> AdditionalClients { get; } = [];

    /// <summary>Gets scopes known to the server and allowed to the default client, beyond <see cref="DefaultScopes"/>.</summary>
    /// <value>Empty by default.</value>
    public IList<string> AdditionalScopes { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether the authorization endpoint approves at once (for the user named by
    /// <c>login_hint</c>, else <see cref="DefaultUser"/>) instead of showing a consent page with Approve and Deny.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AutoApprove { get; set; } = true;

    /// <summary>Gets or sets the user signed in when the authorization request carries no <c>login_hint</c>.</summary>
    /// <value>Defaults to <c>alice</c> (subject <c>alice</c>, name <c>Alice Example</c>).</value>
    public string DefaultUser { get; set; } = "alice";

    /// <summary>
    /// Gets or sets a callback naming the user who is "signed in at the provider" when the authorization request carries
    /// no <c>login_hint</c>. An app embedding the provider can return its own signed-in user's name, so each of its users
    /// has their own account at the provider; <see langword="null"/> (or a callback answering <see langword="null"/>)
    /// falls back to <see cref="DefaultUser"/>.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Func<HttpContext, string?>? UserResolver { get; set; }

    /// <summary>Gets or sets the lifetime of access tokens (changeable at run time with <see cref="DevProviderFaults.SetLifetimes"/>).</summary>
    /// <value>Defaults to one hour.</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the lifetime of refresh tokens (changeable at run time with <see cref="DevProviderFaults.SetLifetimes"/>).</summary>
    /// <value>Defaults to 14 days.</value>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Gets or sets how long a rotated (already redeemed) refresh token is still accepted.
    /// </summary>
    /// <value>Defaults to <see cref="TimeSpan.Zero"/>: reusing a rotated refresh token fails at once with <c>invalid_grant</c>.</value>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets a value indicating whether token responses carrying a refresh token also say how long it lives
    /// (<c>refresh_token_expires_in</c>, in seconds, as LinkedIn, Pinterest and GitHub Apps do).
    /// </summary>
    /// <value>Defaults to <see langword="false"/>: like most providers, the refresh token's lifetime is not announced.</value>
    public bool AnnounceRefreshTokenLifetime { get; set; }

    /// <summary>Gets or sets the clock of the provider (token dates, expiry checks).</summary>
    /// <value>Defaults to <see langword="null"/>: the <see cref="System.TimeProvider"/> registered in DI, else <see cref="TimeProvider.System"/>.</value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Gets or sets the name of the EF Core in-memory database holding applications and tokens.</summary>
    /// <value>Defaults to <see langword="null"/>: a unique name per instance.</value>
    public string? DatabaseName { get; set; }

    /// <summary>
    /// Gets or sets a callback configuring the logging of a standalone server (<see cref="DevProviderServer"/>).
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: a standalone server logs nothing.</value>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}

using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.BuiltIn;
using OAuth2Capture.Storage;

namespace OAuth2Capture;

/// <summary>
/// Checks the rules of <see cref="OAuth2CaptureOptions"/> that span fields or depend on the provider, and reports every
/// error at once, each naming its full configuration key (for example <c>OAuth2Capture:Providers:acme:TokenEndpoint</c>).
/// No configured provider is valid: an app may add providers in code later.
/// </summary>
/// <param name="engines">The store engines the app references (PostgreSQL only with its package).</param>
internal sealed class OAuth2CaptureOptionsValidator(IEnumerable<OAuth2CaptureStoreEngine> engines) : IValidateOptions<OAuth2CaptureOptions>
{
    /// <summary>The longest accepted <see cref="OAuth2CaptureOptions.RefreshSkew"/>: 1 day.</summary>
    internal static readonly TimeSpan MaxRefreshSkew = TimeSpan.FromDays(1);

    /// <summary>The longest accepted <see cref="OAuth2CaptureOptions.TokenCacheDuration"/>: 10 minutes.</summary>
    internal static readonly TimeSpan MaxTokenCacheDuration = TimeSpan.FromMinutes(10);

    private const string Section = OAuth2CaptureDefaults.ConfigurationSection;

    /// <summary>Gets the configuration key of one provider, such as <c>OAuth2Capture:Providers:acme</c>.</summary>
    /// <param name="name">The provider name as configured.</param>
    /// <returns>The key.</returns>
    internal static string ProviderKey(string name) => $"{Section}:Providers:{name}";

    /// <summary>", did you mean the built-in provider 'github'?" for a name one or two letters off a built-in one.</summary>
    private static string DidYouMean(string name)
        => BuiltInProviders.Names
            .Select(builtIn => (builtIn, distance: OAuth2CaptureConfigurationCheck.Distance(name.ToLowerInvariant(), builtIn)))
            .Where(c => c.distance is > 0 and <= 2)
            .OrderBy(c => c.distance)
            .Select(c => $"; did you mean the built-in provider '{c.builtIn}'?")
            .FirstOrDefault() ?? string.Empty;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, OAuth2CaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();

        if (string.IsNullOrEmpty(options.PathPrefix) || options.PathPrefix[0] != '/')
        {
            builder.AddError($"{Section}:PathPrefix must start with '/' (found '{options.PathPrefix}'); the default is '{OAuth2CaptureDefaults.PathPrefix}'.");
        }

        if (options.RefreshSkew < TimeSpan.Zero || options.RefreshSkew > MaxRefreshSkew)
        {
            builder.AddError($"{Section}:RefreshSkew must be between 00:00:00 and 1.00:00:00 (found {Format(options.RefreshSkew)}).");
        }

        if (options.ExpiringSoonWindow <= TimeSpan.Zero)
        {
            builder.AddError($"{Section}:ExpiringSoonWindow must be positive (found {Format(options.ExpiringSoonWindow)}).");
        }

        if (options.ValidationCacheDuration < TimeSpan.Zero)
        {
            builder.AddError($"{Section}:ValidationCacheDuration must not be negative (found {Format(options.ValidationCacheDuration)}).");
        }

        if (options.TokenCacheDuration < TimeSpan.Zero || options.TokenCacheDuration > MaxTokenCacheDuration)
        {
            builder.AddError($"{Section}:TokenCacheDuration must be between 00:00:00 (off) and 00:10:00 (found {Format(options.TokenCacheDuration)}): " +
                "a longer cache hides another instance's reconnect or revocation for longer.");
        }

        if (options.TokenCacheSizeLimit < 1)
        {
            builder.AddError($"{Section}:TokenCacheSizeLimit must be at least 1 (found {options.TokenCacheSizeLimit}).");
        }

        if (options.ReauthLoopThreshold < 1)
        {
            builder.AddError($"{Section}:ReauthLoopThreshold must be at least 1 (found {options.ReauthLoopThreshold}).");
        }

        if (options.ReauthLoopWindow <= TimeSpan.Zero)
        {
            builder.AddError($"{Section}:ReauthLoopWindow must be positive (found {Format(options.ReauthLoopWindow)}).");
        }

        if (options.RefreshLeaseDuration <= TimeSpan.Zero)
        {
            builder.AddError($"{Section}:RefreshLeaseDuration must be positive (found {Format(options.RefreshLeaseDuration)}).");
        }
        else if (options.Resilience is { } resilience && options.RefreshLeaseDuration <= resilience.TotalTimeout)
        {
            builder.AddError($"{Section}:RefreshLeaseDuration ({Format(options.RefreshLeaseDuration)}) must exceed {Section}:Resilience:TotalTimeout ({Format(resilience.TotalTimeout)}): " +
                "a lease that ends while its holder still waits for the provider lets a second instance refresh with the same refresh token.");
        }

        ValidateStore(options.Store, builder);
        ValidateResilience(options.Resilience, builder);

        foreach (var (providerName, providerOptions) in options.Providers)
        {
            ValidateProvider(providerName, providerOptions, builder);
        }

        return builder.Build();
    }

    private void ValidateStore(OAuth2CaptureStoreOptions? store, ValidateOptionsResultBuilder builder)
    {
        const string Key = $"{Section}:Store:ConnectionString";
        if (store is not { Provider: OAuth2CaptureStoreProvider.PostgreSql })
        {
            return;
        }

        if (StoreEngines.Find(engines, store.Provider) is not { } engine)
        {
            builder.AddError(StoreEngines.Missing(store.Provider));
            return;
        }

        // Without this check Npgsql fails on first use with "Couldn't set data source" (the SQLite default's keyword),
        // naming no key. The connection string is never echoed: it may hold a password.
        if (string.IsNullOrWhiteSpace(store.ConnectionString) || store.ConnectionString == OAuth2CaptureDefaults.SqliteConnectionString)
        {
            builder.AddError($"{Key} is required when {Section}:Store:Provider is PostgreSql (for example 'Host=db.example;Database=oauth2capture;Username=app;Password=…'); " +
                $"found {(string.IsNullOrWhiteSpace(store.ConnectionString) ? "none" : $"the SQLite default '{OAuth2CaptureDefaults.SqliteConnectionString}'")}.");
            return;
        }

        if (engine.CheckConnectionString(store.ConnectionString) is { } problem)
        {
            builder.AddError($"{Key} is not a PostgreSQL connection string, which {Section}:Store:Provider PostgreSql needs: {problem}");
        }
    }

    private static readonly TimeSpan MinimumBreakerDuration = TimeSpan.FromMilliseconds(500);

    private static void ValidateResilience(OAuth2CaptureResilienceOptions? resilience, ValidateOptionsResultBuilder builder)
    {
        const string Key = $"{Section}:Resilience";
        if (resilience is null)
        {
            builder.AddError($"{Key} must not be null.");
            return;
        }

        // The [Range] attributes on the options (retry attempts, breaker throughput and ratio).
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(resilience, new System.ComponentModel.DataAnnotations.ValidationContext(resilience), results, validateAllProperties: true);
        foreach (var result in results)
        {
            builder.AddError($"{Key}:{string.Join(",", result.MemberNames)}: {result.ErrorMessage}");
        }

        if (resilience.TotalTimeout <= TimeSpan.Zero)
        {
            builder.AddError($"{Key}:TotalTimeout must be positive (found {Format(resilience.TotalTimeout)}).");
        }

        if (resilience.AttemptTimeout <= TimeSpan.Zero)
        {
            builder.AddError($"{Key}:AttemptTimeout must be positive (found {Format(resilience.AttemptTimeout)}).");
        }
        else if (resilience.TotalTimeout > TimeSpan.Zero && resilience.AttemptTimeout > resilience.TotalTimeout)
        {
            builder.AddError($"{Key}:AttemptTimeout ({Format(resilience.AttemptTimeout)}) must not exceed {Key}:TotalTimeout ({Format(resilience.TotalTimeout)}).");
        }

        if (resilience.ResponseBodyTimeout <= TimeSpan.Zero)
        {
            builder.AddError($"{Key}:ResponseBodyTimeout must be positive (found {Format(resilience.ResponseBodyTimeout)}).");
        }

        if (resilience.RetryDelay < TimeSpan.Zero)
        {
            builder.AddError($"{Key}:RetryDelay must not be negative (found {Format(resilience.RetryDelay)}).");
        }

        if (resilience.MaxRetryAfter < TimeSpan.Zero)
        {
            builder.AddError($"{Key}:MaxRetryAfter must not be negative (found {Format(resilience.MaxRetryAfter)}).");
        }

        // Polly refuses breaker durations under half a second when the pipeline is built (on the first provider call).
        if (resilience.CircuitBreakerSamplingDuration < MinimumBreakerDuration)
        {
            builder.AddError($"{Key}:CircuitBreakerSamplingDuration must be at least 00:00:00.5 (found {Format(resilience.CircuitBreakerSamplingDuration)}).");
        }

        if (resilience.CircuitBreakerBreakDuration < MinimumBreakerDuration)
        {
            builder.AddError($"{Key}:CircuitBreakerBreakDuration must be at least 00:00:00.5 (found {Format(resilience.CircuitBreakerBreakDuration)}).");
        }
    }

    private static void ValidateProvider(string name, OAuthProviderOptions? options, ValidateOptionsResultBuilder builder)
    {
        var key = ProviderKey(name);
        if (!IsRouteSafe(name))
        {
            builder.AddError($"{key}: the provider name '{name}' must contain only letters, digits and '-' (it is used in routes and storage, lower-cased).");
        }

        if (options is null)
        {
            builder.AddError($"{key} must not be null.");
            return;
        }

        var isBuiltIn = BuiltInProviders.TryGet(name, out var builtIn);

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            builder.AddError($"{key}:ClientId is required (the client id registered at the provider).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            builder.AddError($"{key}:ClientSecret is required (the client secret registered at the provider).");
        }

        if (!isBuiltIn)
        {
            if (string.IsNullOrWhiteSpace(options.AuthorizationEndpoint))
            {
                builder.AddError($"{key}:AuthorizationEndpoint is required for the generic provider '{name}' (no built-in provider has that name{DidYouMean(name)}).");
            }

            if (string.IsNullOrWhiteSpace(options.TokenEndpoint))
            {
                builder.AddError($"{key}:TokenEndpoint is required for the generic provider '{name}' (no built-in provider has that name{DidYouMean(name)}).");
            }
        }

        ValidateEndpoint(key, nameof(options.AuthorizationEndpoint), options.AuthorizationEndpoint, builder);
        ValidateEndpoint(key, nameof(options.TokenEndpoint), options.TokenEndpoint, builder);
        ValidateEndpoint(key, nameof(options.UserInformationEndpoint), options.UserInformationEndpoint, builder);
        ValidateEndpoint(key, nameof(options.RevocationEndpoint), options.RevocationEndpoint, builder);
        ValidateEndpoint(key, nameof(options.IntrospectionEndpoint), options.IntrospectionEndpoint, builder);

        if (options.RefreshStrategy is not null && !OAuthProviderCatalog.TryParseRefreshStrategy(options.RefreshStrategy, out _))
        {
            builder.AddError($"{key}:RefreshStrategy '{options.RefreshStrategy}' is not one of '{OAuthProviderCatalog.StandardRefreshStrategyName}', '{OAuthProviderCatalog.NoRefreshStrategyName}'.");
        }

        if (builtIn is { RequiresUserAgent: true } && string.IsNullOrWhiteSpace(options.UserAgent))
        {
            builder.AddError($"{key}:UserAgent is required for {builtIn.DisplayName}: a unique agent of the form '<platform>:<app id>:<version> (by /u/<user>)', for example 'web:com.example.scheduler:1.0.0 (by /u/example)'.");
        }

        if (options.Scopes is { } scopes)
        {
            for (var i = 0; i < scopes.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(scopes[i]) || scopes[i].Any(char.IsWhiteSpace))
                {
                    builder.AddError(string.Create(CultureInfo.InvariantCulture, $"{key}:Scopes:{i} must be one non-empty scope without spaces (found '{scopes[i]}')."));
                }
            }
        }
    }

    private static void ValidateEndpoint(string providerKey, string property, string? value, ValidateOptionsResultBuilder builder)
    {
        if (value is null)
        {
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            builder.AddError($"{providerKey}:{property} must be an absolute https URI (found '{value}').");
        }
        else if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            builder.AddError($"{providerKey}:{property} must use https; http is allowed only for loopback hosts (localhost, 127.0.0.1, ::1) (found '{value}').");
        }
    }

    private static bool IsLoopback(Uri uri)
        => uri.IsLoopback
            || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    private static bool IsRouteSafe(string name)
        => name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-');

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}

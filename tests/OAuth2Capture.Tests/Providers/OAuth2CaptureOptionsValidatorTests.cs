using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OAuth2Capture.PostgreSql;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Providers;

public sealed class OAuth2CaptureOptionsValidatorTests
{
    private const string Acme = "Providers:acme:ClientId=id;Providers:acme:ClientSecret=secret;Providers:acme:AuthorizationEndpoint=https://acme.example/authorize;Providers:acme:TokenEndpoint=https://acme.example/token";

    [Theory]
    [InlineData("Providers:acme:ClientId=id;Providers:acme:ClientSecret=secret;Providers:acme:AuthorizationEndpoint=https://acme.example/authorize",
        "OAuth2Capture:Providers:acme:TokenEndpoint is required for the generic provider 'acme' (no built-in provider has that name).")]
    [InlineData("Providers:acme:ClientId=id;Providers:acme:ClientSecret=secret;Providers:acme:TokenEndpoint=https://acme.example/token",
        "OAuth2Capture:Providers:acme:AuthorizationEndpoint is required for the generic provider 'acme' (no built-in provider has that name).")]
    [InlineData("Providers:github:ClientId=id", "OAuth2Capture:Providers:github:ClientSecret is required")]
    [InlineData("Providers:github:ClientSecret=secret", "OAuth2Capture:Providers:github:ClientId is required")]
    [InlineData(Acme + ";Providers:acme:TokenEndpoint=http://acme.example/token",
        "OAuth2Capture:Providers:acme:TokenEndpoint must use https; http is allowed only for loopback hosts")]
    [InlineData(Acme + ";Providers:acme:UserInformationEndpoint=/userinfo", "OAuth2Capture:Providers:acme:UserInformationEndpoint must be an absolute https URI")]
    [InlineData(Acme + ";Providers:acme:RevocationEndpoint=ftp://acme.example/revoke", "OAuth2Capture:Providers:acme:RevocationEndpoint must be an absolute https URI")]
    [InlineData(Acme + ";Providers:acme:RefreshStrategy=Sometimes", "OAuth2Capture:Providers:acme:RefreshStrategy 'Sometimes' is not one of 'Standard', 'None'.")]
    [InlineData("Providers:reddit:ClientId=id;Providers:reddit:ClientSecret=secret",
        "OAuth2Capture:Providers:reddit:UserAgent is required for Reddit: a unique agent of the form '<platform>:<app id>:<version> (by /u/<user>)'")]
    [InlineData("Providers:my_api:ClientId=id;Providers:my_api:ClientSecret=secret;Providers:my_api:AuthorizationEndpoint=https://a.example/a;Providers:my_api:TokenEndpoint=https://a.example/t",
        "OAuth2Capture:Providers:my_api: the provider name 'my_api' must contain only letters, digits and '-'")]
    [InlineData(Acme + ";Providers:acme:Scopes:0=read write", "OAuth2Capture:Providers:acme:Scopes:0 must be one non-empty scope without spaces")]
    [InlineData("PathPrefix=oauth2", "OAuth2Capture:PathPrefix must start with '/'")]
    [InlineData("RefreshSkew=-00:01:00", "OAuth2Capture:RefreshSkew must be between 00:00:00 and 1.00:00:00 (found -00:01:00).")]
    [InlineData("RefreshSkew=1.00:00:01", "OAuth2Capture:RefreshSkew must be between 00:00:00 and 1.00:00:00 (found 1.00:00:01).")]
    [InlineData("ExpiringSoonWindow=00:00:00", "OAuth2Capture:ExpiringSoonWindow must be positive")]
    [InlineData("Resilience:AttemptTimeout=00:00:30", "OAuth2Capture:Resilience:AttemptTimeout (00:00:30) must not exceed OAuth2Capture:Resilience:TotalTimeout (00:00:20).")]
    [InlineData("Resilience:TotalTimeout=00:00:00", "OAuth2Capture:Resilience:TotalTimeout must be positive")]
    [InlineData("RefreshLeaseDuration=00:00:00", "OAuth2Capture:RefreshLeaseDuration must be positive (found 00:00:00).")]
    [InlineData("RefreshLeaseDuration=00:00:20", "OAuth2Capture:RefreshLeaseDuration (00:00:20) must exceed OAuth2Capture:Resilience:TotalTimeout (00:00:20)")]
    [InlineData("RefreshLeaseDuration=00:00:10;Resilience:TotalTimeout=00:00:15;Resilience:AttemptTimeout=00:00:05", "OAuth2Capture:RefreshLeaseDuration (00:00:10) must exceed OAuth2Capture:Resilience:TotalTimeout (00:00:15)")]
    [InlineData("Resilience:AttemptTimeout=-00:00:01", "OAuth2Capture:Resilience:AttemptTimeout must be positive")]
    [InlineData("Resilience:MaxRetryAttempts=50", "OAuth2Capture:Resilience:MaxRetryAttempts: ")]
    [InlineData("Resilience:CircuitBreakerFailureRatio=2", "OAuth2Capture:Resilience:CircuitBreakerFailureRatio: ")]
    [InlineData("Store:Provider=PostgreSql", "OAuth2Capture:Store:ConnectionString is required when OAuth2Capture:Store:Provider is PostgreSql")]
    [InlineData("Store:Provider=PostgreSql;Store:ConnectionString= ", "OAuth2Capture:Store:ConnectionString is required when OAuth2Capture:Store:Provider is PostgreSql")]
    [InlineData("Store:Provider=PostgreSql;Store:ConnectionString=Data Source=app.db", "OAuth2Capture:Store:ConnectionString is not a PostgreSQL connection string")]
    [InlineData("ReauthLoopThreshold=0", "OAuth2Capture:ReauthLoopThreshold must be at least 1 (found 0).")]
    [InlineData("ReauthLoopWindow=00:00:00", "OAuth2Capture:ReauthLoopWindow must be positive")]
    public void Validate_with_invalid_setting_fails_naming_the_key(string settings, string expected)
    {
        var result = Validate(settings);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData(Acme)]
    [InlineData(Acme + ";Providers:acme:TokenEndpoint=http://localhost:5001/token;Providers:acme:AuthorizationEndpoint=http://127.0.0.1:5001/authorize;Providers:acme:UserInformationEndpoint=http://[::1]:5001/me")]
    [InlineData("Providers:reddit:ClientId=id;Providers:reddit:ClientSecret=secret;Providers:reddit:UserAgent=web:com.example.app:1.0 (by /u/example)")]
    [InlineData("Providers:GitHub:ClientId=id;Providers:GitHub:ClientSecret=secret;RefreshSkew=00:00:00")]
    [InlineData("RefreshLeaseDuration=00:00:03;Resilience:TotalTimeout=00:00:02;Resilience:AttemptTimeout=00:00:01")]
    [InlineData("Store:Provider=PostgreSql;Store:ConnectionString=Host=db.example")]
    [InlineData("Store:Provider=Sqlite;Store:ConnectionString=Data Source=app.db")]
    public void Validate_with_valid_settings_succeeds(string settings)
    {
        var result = Validate(settings);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_with_several_errors_reports_every_one()
    {
        var result = Validate("PathPrefix=x;Providers:acme:ClientId=id;Resilience:AttemptTimeout=00:01:00");

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count()); // PathPrefix, ClientSecret, AuthorizationEndpoint, TokenEndpoint, AttemptTimeout
    }

    [Fact]
    public void Store_engines_of_an_app_that_references_the_PostgreSql_package_include_PostgreSql()
    {
        var engines = ReferencedEngines();

        Assert.Contains(engines, engine => engine is SqliteStoreEngine);
        Assert.Contains(engines, engine => engine is PostgreSqlStoreEngine);
    }

    [Fact]
    public void Store_Provider_PostgreSql_without_the_PostgreSql_package_names_the_package_to_add()
    {
        var validator = new OAuth2CaptureOptionsValidator([new SqliteStoreEngine(NullLogger<SqliteStoreEngine>.Instance)]);
        var options = new OAuth2CaptureOptions();
        options.Store.Provider = OAuth2CaptureStoreProvider.PostgreSql;
        options.Store.ConnectionString = "Host=db.example;Database=app";

        var result = validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            "OAuth2Capture:Store:Provider is PostgreSql, whose store ships in its own package: run " +
            $"'dotnet add package OAuth2Capture.PostgreSql --version {StoreEngines.Version}' (the version of OAuth2Capture), or set OAuth2Capture:Store:Provider to Sqlite.",
            Assert.Single(result.Failures!));
    }

    private static List<OAuth2CaptureStoreEngine> ReferencedEngines()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddStoreEngines();
        return [.. services.BuildServiceProvider().GetServices<OAuth2CaptureStoreEngine>()];
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(string settings)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in settings.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)))
        {
            values[$"{OAuth2CaptureDefaults.ConfigurationSection}:{pair[0]}"] = pair[1]; // later settings win
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new OAuth2CaptureOptions();
        configuration.GetSection(OAuth2CaptureDefaults.ConfigurationSection).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        return new OAuth2CaptureOptionsValidator(ReferencedEngines()).Validate(null, options);
    }
}

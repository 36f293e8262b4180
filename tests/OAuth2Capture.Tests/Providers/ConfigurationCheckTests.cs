using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OAuth2Capture.Tests.Providers;

/// <summary>
/// <c>AddOAuth2Capture(configuration)</c> with a section a person mistyped: each mistake fails start-up (resolving the
/// options, as <c>ValidateOnStart</c> does) with the full key, what was found and what is accepted.
/// </summary>
public sealed class ConfigurationCheckTests
{
    private const string GitHub = "Providers:github:ClientId=id;Providers:github:ClientSecret=secret";

    [Theory]
    [InlineData("Providers:github:ClientId=id;Providers:github:ClientSecert=secret",
        "OAuth2Capture:Providers:github:ClientSecert is not a provider's setting: did you mean ClientSecret?")]
    [InlineData(GitHub + ";Providers:github:ClientAuthentication=Basic",
        "OAuth2Capture:Providers:github:ClientAuthentication is 'Basic', which is not one of RequestBody, BasicHeader.")]
    [InlineData("Store:Provider=Postgres", "OAuth2Capture:Store:Provider is 'Postgres', which is not one of Sqlite, PostgreSql.")]
    [InlineData("RefreshSkew=5min", "OAuth2Capture:RefreshSkew is '5min', which is not a time span: write [d.]hh:mm:ss, for example 00:05:00")]
    [InlineData("BackgroundRefresh:Enabled=yes", "OAuth2Capture:BackgroundRefresh:Enabled is 'yes', which is not true or false.")]
    [InlineData("BackgroundRefresh:KeepAliveAfterByProvider:youtube=150 days", "OAuth2Capture:BackgroundRefresh:KeepAliveAfterByProvider:youtube is '150 days', which is not a time span")]
    [InlineData("ReauthLoopThreshold=three", "OAuth2Capture:ReauthLoopThreshold is 'three', which is not a whole number.")]
    [InlineData("Stores:Provider=Sqlite", "OAuth2Capture:Stores is not a setting here: did you mean Store?")]
    [InlineData("Colour=blue", "OAuth2Capture:Colour is not a setting here. The settings here are: BackgroundRefresh, DefaultReturnUrl,")]
    [InlineData("EventsType=MyApp.Events", "OAuth2Capture:EventsType cannot be set in configuration: set it in code")]
    [InlineData("Store=app.db", "OAuth2Capture:Store is a section of settings (ApplyMigrations, ConnectionString, Provider, UnreadableSecrets), not the value 'app.db'.")]
    [InlineData("Providers:acme:ClientId=id;Providers:acme:ClientSecret=secret;Providers:acme:AuthorizationEndpoint=https://a.example/a;Providers:acme:TokenEndpoint=https://a.example/t;Providers:acme:Scopes=read write",
        "OAuth2Capture:Providers:acme:Scopes is 'read write'")]
    public void A_mistyped_section_fails_naming_the_key_what_was_found_and_what_is_accepted(string settings, string expected)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(failure.Failures, message => message.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_mistake_of_a_section_is_reported_at_once()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve("Providers:github:ClientSecert=x;RefreshSkew=soon;Store:Provider=Oracle"));

        Assert.Equal(3, failure.Failures.Count());
    }

    [Fact]
    public void A_misspelt_built_in_name_is_answered_with_the_name_it_is_close_to()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve("Providers:githb:ClientId=id;Providers:githb:ClientSecret=secret"));

        Assert.Contains(failure.Failures, message => message.Contains("did you mean the built-in provider 'github'?", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(GitHub + ";RefreshSkew=00:02:00;Store:Provider=sqlite;BackgroundRefresh:Enabled=true;BackgroundRefresh:KeepAliveAfterByProvider:youtube=150.00:00:00")]
    [InlineData(GitHub + ";Providers:github:Scopes:0=repo;Providers:github:Scopes:1=read:user;Providers:github:AuthorizationParameters:allow_signup=false;Resilience:CircuitBreakerFailureRatio=0.5")]
    public void A_well_formed_section_binds(string settings)
    {
        var options = Resolve(settings);

        Assert.Equal("id", options.Providers["github"].ClientId);
    }

    private static OAuth2CaptureOptions Resolve(string settings)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in settings.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)))
        {
            values[$"{OAuth2CaptureDefaults.ConfigurationSection}:{pair[0]}"] = pair[1];
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOAuth2Capture(configuration.GetSection(OAuth2CaptureDefaults.ConfigurationSection));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<OAuth2CaptureOptions>>().Value;
    }
}

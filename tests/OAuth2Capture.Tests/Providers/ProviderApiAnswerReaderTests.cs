using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.ApiAnswers;

namespace OAuth2Capture.Tests.Providers;

/// <summary>
/// What an API's answer says about the token it was sent, per provider: RFC 6750 for everyone, plus Meta's Graph error
/// objects for Facebook (code 190 in a 400 body is a dead token; 10 and 200 to 299 a missing permission).
/// </summary>
public sealed class ProviderApiAnswerReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, int, string?, string?, string> Answers => new()
    {
        { "github", 401, """Bearer error="invalid_token" """, """{"message":"Bad credentials"}""", nameof(ApiVerdict.TokenRejected) },
        { "linkedin", 401, null, """{"status":401,"serviceErrorCode":65600}""", nameof(ApiVerdict.TokenRejected) },
        { "github", 403, """Bearer error="insufficient_scope", scope="repo" """, null, nameof(ApiVerdict.MissingScope) },
        { "github", 403, null, """{"message":"Resource not accessible by integration"}""", nameof(ApiVerdict.None) },
        { "github", 429, null, null, nameof(ApiVerdict.None) },
        { "facebook", 400, null, """{"error":{"message":"Error validating access token: The user has not authorized application.","type":"OAuthException","code":190,"error_subcode":458}}""", nameof(ApiVerdict.TokenRejected) },
        { "facebook", 400, null, """{"error":{"message":"(#200) Requires pages_manage_posts permission","type":"OAuthException","code":200}}""", nameof(ApiVerdict.MissingScope) },
        { "facebook", 403, null, """{"error":{"message":"(#10) Application does not have permission for this action","type":"OAuthException","code":10}}""", nameof(ApiVerdict.MissingScope) },
        { "facebook", 400, null, """{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4}}""", nameof(ApiVerdict.None) },
        { "facebook", 400, null, """{"error":{"message":"Invalid parameter","type":"OAuthException","code":100}}""", nameof(ApiVerdict.None) },
        { "facebook", 400, null, """{"error":"not an object"}""", nameof(ApiVerdict.None) },
        { "facebook", 400, null, """{"error":{"code":190""", nameof(ApiVerdict.None) },
        { "facebook", 401, null, null, nameof(ApiVerdict.TokenRejected) },
        // A generic provider reads RFC 6750 only: a Facebook-shaped body from it says nothing.
        { "acme", 400, null, """{"error":{"type":"OAuthException","code":190}}""", nameof(ApiVerdict.None) },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Reads_each_providers_documented_answers(string name, int status, string? challenge, string? json, string expected)
    {
        var provider = Provider(name);
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        if (challenge is not null)
        {
            response.Headers.WwwAuthenticate.Add(AuthenticationHeaderValue.Parse(challenge.Trim()));
        }

        if (json is not null)
        {
            response.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var answer = await provider.Descriptor.ApiAnswers.ReadAsync(provider, response, Ct);

        Assert.Equal(expected, answer.Verdict.ToString());
        if (json is not null)
        {
            Assert.Equal(json, await response.Content.ReadAsStringAsync(Ct)); // still readable by the app
        }
    }

    [Fact]
    public async Task The_scopes_of_an_insufficient_scope_challenge_are_named_quoted_or_not()
    {
        var provider = Provider("github");
        using var response = new HttpResponseMessage(HttpStatusCode.Forbidden);
        response.Headers.WwwAuthenticate.Add(AuthenticationHeaderValue.Parse("""Bearer realm="api", error="insufficient_scope", scope="repo read:org" """.Trim()));

        var answer = await provider.Descriptor.ApiAnswers.ReadAsync(provider, response, Ct);

        Assert.Equal(["repo", "read:org"], answer.MissingScopes);
    }

    private static OAuthProvider Provider(string name)
    {
        var values = new Dictionary<string, string?>
        {
            [$"OAuth2Capture:Providers:{name}:ClientId"] = "id",
            [$"OAuth2Capture:Providers:{name}:ClientSecret"] = "secret",
        };
        if (name == "acme")
        {
            values["OAuth2Capture:Providers:acme:AuthorizationEndpoint"] = "https://acme.example/authorize";
            values["OAuth2Capture:Providers:acme:TokenEndpoint"] = "https://acme.example/token";
        }

        Assert.True(OAuthProviderCatalogTests.CreateCatalog(values).TryGet(name, out var provider));
        return provider;
    }
}

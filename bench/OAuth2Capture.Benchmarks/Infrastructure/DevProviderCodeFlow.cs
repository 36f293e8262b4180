using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using OAuth2Capture.DevProvider;

namespace OAuth2Capture.Benchmarks.Infrastructure;

/// <summary>Tokens from the DevProvider's token endpoint.</summary>
internal sealed record DevTokens(string AccessToken, string? RefreshToken, string TokenType, int ExpiresIn, string? Scope);

/// <summary>
/// Obtains real tokens from a <see cref="DevProviderServer"/>: the authorization-code flow with PKCE (S256) over HTTP on
/// 127.0.0.1, as the tests' <c>DevProviderFlow</c> does.
/// </summary>
internal static class DevProviderCodeFlow
{
    public static readonly string[] Scopes = ["openid", "profile", "offline_access", "read"];

    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };

    public static async Task<DevTokens> ObtainTokensAsync(DevProviderServer dev, string user, CancellationToken cancellationToken)
    {
        var redirectUri = dev.Options.RedirectUris[0].ToString();
        var verifier = Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = QueryHelpers.AddQueryString(dev.AuthorizationEndpoint.ToString(), new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = dev.Options.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = string.Join(' ', Scopes),
            ["state"] = "bench",
            ["login_hint"] = user,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

        string code;
        using (var redirect = await Http.GetAsync(new Uri(authorize), cancellationToken))
        {
            if (redirect.StatusCode != HttpStatusCode.Redirect || redirect.Headers.Location is not { } location)
            {
                throw new InvalidOperationException($"Expected a redirect from the authorization endpoint, got HTTP {(int)redirect.StatusCode}.");
            }

            code = QueryHelpers.ParseQuery(location.Query).TryGetValue("code", out var value) && !string.IsNullOrEmpty(value)
                ? value.ToString()
                : throw new InvalidOperationException($"The authorization response carries no code: {location}");
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = dev.Options.ClientId,
            ["client_secret"] = dev.Options.ClientSecret,
            ["code_verifier"] = verifier,
        });
        using var response = await Http.PostAsync(dev.TokenEndpoint, form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The code exchange failed with HTTP {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new DevTokens(
            root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            root.GetProperty("token_type").GetString()!,
            root.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 0,
            root.TryGetProperty("scope", out var scope) ? scope.GetString() : null);
    }
}

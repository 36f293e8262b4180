using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using OAuth2Capture.DevProvider;

namespace OAuth2Capture.Tests.DevProvider;

/// <summary>
/// Drives a <see cref="DevProviderServer"/> over real HTTP: the authorization-code flow with PKCE (S256), refresh,
/// revocation, introspection and user info. Use <see cref="ObtainTokensAsync"/> to seed a user's tokens.
/// </summary>
internal static class DevProviderFlow
{
    /// <summary>A client that never follows redirects, shared by every test (connections are per server port).</summary>
    public static HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>Runs the whole code flow for <paramref name="user"/> and returns the tokens.</summary>
    public static async Task<TokenResponse> ObtainTokensAsync(
        DevProviderServer server,
        string user,
        string clientId,
        string secret,
        string redirectUri,
        IEnumerable<string> scopes,
        CancellationToken cancellationToken = default)
    {
        var (verifier, challenge) = CreatePkce();
        var code = await AuthorizeAsync(server, user, clientId, redirectUri, scopes, challenge, cancellationToken);
        using var response = await PostTokenAsync(server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["code_verifier"] = verifier,
        }, cancellationToken);
        return await ReadTokensAsync(response, cancellationToken);
    }

    /// <summary>Seeds tokens for <paramref name="user"/> with the server's default client and redirect URI.</summary>
    public static Task<TokenResponse> ObtainTokensAsync(DevProviderServer server, string user, CancellationToken cancellationToken = default)
        => ObtainTokensAsync(
            server,
            user,
            server.Options.ClientId,
            server.Options.ClientSecret,
            server.Options.RedirectUris[0].ToString(),
            ["openid", "profile", "offline_access", "read"],
            cancellationToken);

    /// <summary>Calls the authorization endpoint with <c>login_hint</c>, follows nothing and returns the <c>code</c>.</summary>
    public static async Task<string> AuthorizeAsync(
        DevProviderServer server,
        string user,
        string clientId,
        string redirectUri,
        IEnumerable<string> scopes,
        string? codeChallenge,
        CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync(BuildAuthorizeUri(server, user, clientId, redirectUri, scopes, codeChallenge), cancellationToken);
        return ReadCode(response, redirectUri);
    }

    /// <summary>The authorization request URI (state <c>xyz</c>).</summary>
    public static Uri BuildAuthorizeUri(
        DevProviderServer server, string? user, string clientId, string redirectUri, IEnumerable<string> scopes, string? codeChallenge)
    {
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = string.Join(' ', scopes),
            ["state"] = "xyz",
        };
        if (user is not null)
        {
            query["login_hint"] = user;
        }

        if (codeChallenge is not null)
        {
            query["code_challenge"] = codeChallenge;
            query["code_challenge_method"] = "S256";
        }

        return new Uri(QueryHelpers.AddQueryString(server.AuthorizationEndpoint.ToString(), query));
    }

    /// <summary>Reads the redirect to <paramref name="redirectUri"/> and returns its <c>code</c>.</summary>
    public static string ReadCode(HttpResponseMessage response, string redirectUri)
    {
        var parameters = ReadRedirect(response, redirectUri);
        if (!parameters.TryGetValue("code", out var code) || string.IsNullOrEmpty(code))
        {
            throw new InvalidOperationException($"The authorization response carries no code: {response.Headers.Location}");
        }

        return code!;
    }

    /// <summary>Checks the response redirects to <paramref name="redirectUri"/> and returns its query parameters.</summary>
    public static Dictionary<string, string?> ReadRedirect(HttpResponseMessage response, string redirectUri)
    {
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location is not { } location)
        {
            throw new InvalidOperationException($"Expected a redirect, got HTTP {(int)response.StatusCode}.");
        }

        if (!location.ToString().StartsWith(redirectUri + "?", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unexpected redirect target {location}.");
        }

        return QueryHelpers.ParseQuery(location.Query).ToDictionary(pair => pair.Key, pair => (string?)pair.Value.ToString());
    }

    /// <summary>A PKCE pair: a random verifier and its S256 challenge.</summary>
    public static (string Verifier, string Challenge) CreatePkce()
    {
        var verifier = Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return (verifier, challenge);
    }

    /// <summary>Posts a form to the token endpoint.</summary>
    public static Task<HttpResponseMessage> PostTokenAsync(
        DevProviderServer server, IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken = default)
        => PostFormAsync(server.TokenEndpoint, form, cancellationToken);

    /// <summary>Posts a refresh_token grant with the default client's credentials.</summary>
    public static Task<HttpResponseMessage> RefreshAsync(
        DevProviderServer server, string refreshToken, CancellationToken cancellationToken = default)
        => PostTokenAsync(server, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = server.Options.ClientId,
            ["client_secret"] = server.Options.ClientSecret,
        }, cancellationToken);

    /// <summary>Revokes a token (RFC 7009) with the default client's credentials.</summary>
    public static Task<HttpResponseMessage> RevokeAsync(
        DevProviderServer server, string token, string tokenTypeHint, CancellationToken cancellationToken = default)
        => PostFormAsync(server.RevocationEndpoint, new Dictionary<string, string>
        {
            ["token"] = token,
            ["token_type_hint"] = tokenTypeHint,
            ["client_id"] = server.Options.ClientId,
            ["client_secret"] = server.Options.ClientSecret,
        }, cancellationToken);

    /// <summary>Introspects a token (RFC 7662) with the default client's credentials and returns the JSON answer.</summary>
    public static async Task<JsonElement> IntrospectAsync(
        DevProviderServer server, string token, CancellationToken cancellationToken = default)
    {
        using var response = await PostFormAsync(server.IntrospectionEndpoint, new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_id"] = server.Options.ClientId,
            ["client_secret"] = server.Options.ClientSecret,
        }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Introspection failed with HTTP {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Calls the user-info endpoint with a bearer access token.</summary>
    public static async Task<HttpResponseMessage> GetUserInfoAsync(
        DevProviderServer server, string accessToken, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, server.UserInfoEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await Http.SendAsync(request, cancellationToken);
    }

    /// <summary>Reads a successful token answer; throws with the body otherwise.</summary>
    public static async Task<TokenResponse> ReadTokensAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Token request failed with HTTP {(int)response.StatusCode}: {body}");
        }

        var root = JsonDocument.Parse(body).RootElement;
        return new TokenResponse(
            root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            root.TryGetProperty("id_token", out var id) ? id.GetString() : null,
            root.GetProperty("token_type").GetString()!,
            root.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 0,
            root.TryGetProperty("scope", out var scope) ? scope.GetString() : null);
    }

    /// <summary>Decodes the payload of a JWT (access tokens are signed, not encrypted).</summary>
    public static JsonElement ReadJwtPayload(string jwt)
        => JsonDocument.Parse(Base64UrlTextEncoder.Decode(jwt.Split('.')[1])).RootElement.Clone();

    private static async Task<HttpResponseMessage> PostFormAsync(
        Uri uri, IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(form);
        return await Http.PostAsync(uri, content, cancellationToken);
    }
}

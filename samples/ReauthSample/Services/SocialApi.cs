using System.Net.Http.Json;

namespace ReauthSample.Services;

/// <summary>
/// The provider's API, really called: posts go to the embedded DevProvider's <c>api/posts</c> through one HTTP client per
/// DevProvider-backed provider, each with <c>AddOAuth2CaptureToken</c>. The client attaches the user's token; a grant
/// revoked at the provider answers 401 at once, which OAuth2Capture confirms and turns into
/// <see cref="OAuth2Capture.Tokens.TokenRevokedException"/>, long before the access token would have expired.
/// </summary>
public sealed class SocialApi(IHttpClientFactory clients)
{
    public static string ClientName(string provider) => "social-api:" + provider;

    /// <summary>Posts <paramref name="text"/> as <paramref name="owner"/> at <paramref name="provider"/>; returns the provider's post id.</summary>
    /// <exception cref="OAuth2Capture.Tokens.OAuthTokenException">No usable token, or the API proved it dead.</exception>
    /// <exception cref="HttpRequestException">The API answered an error that says nothing about the token (429, 5xx).</exception>
    public async Task<string> PostAsync(string owner, string provider, string text, CancellationToken cancellationToken)
    {
        // Named explicitly, so the same call works from a background job where nobody is signed in.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/posts") { Content = JsonContent.Create(new { text }) };
        using var response = await clients.CreateClient(ClientName(provider)).SendAsync(request.SetOAuth2CaptureOwner(owner), cancellationToken);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<CreatedPost>(cancellationToken);
        return created?.Id ?? string.Empty;
    }

    /// <summary>The texts of <paramref name="owner"/>'s posts as the provider's API has them, newest last.</summary>
    /// <exception cref="OAuth2Capture.Tokens.OAuthTokenException">No usable token, or the API proved it dead.</exception>
    public async Task<IReadOnlyList<string>> ListAsync(string owner, string provider, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/posts").SetOAuth2CaptureOwner(owner);
        using var response = await clients.CreateClient(ClientName(provider)).SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var posts = await response.Content.ReadFromJsonAsync<List<CreatedPost>>(cancellationToken);
        return [.. posts?.Select(post => post.Text ?? string.Empty) ?? []];
    }

    /// <summary>The signed-in user's profile at the provider (<c>GET api/me</c>); the handler takes the user from the current request.</summary>
    /// <exception cref="OAuth2Capture.Tokens.OAuthTokenException">No usable token, or the API proved it dead.</exception>
    public async Task<Profile> MeAsync(string provider, CancellationToken cancellationToken)
        => await clients.CreateClient(ClientName(provider)).GetFromJsonAsync<Profile>("api/me", cancellationToken) ?? new Profile(null, null);

    /// <summary>A user's profile at the provider.</summary>
    public sealed record Profile(string? Sub, string? Name);

    private sealed record CreatedPost(string Id, string? Text = null);
}

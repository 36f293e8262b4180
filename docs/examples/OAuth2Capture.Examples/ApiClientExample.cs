using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace OAuth2Capture.Examples;

// <snippet:api-client>
/// <summary>
/// A typed client of a provider's API. It knows nothing of tokens: <c>AddOAuth2CaptureToken</c> attaches the user's
/// access token to every request, renews it, and learns from the API's 401 (see "The API said 401").
/// </summary>
/// <param name="http">The client (its base address is the provider's API).</param>
public sealed class ProviderApiClient(HttpClient http)
{
    /// <summary>Gets a JSON document of the provider's API on behalf of the signed-in user.</summary>
    /// <param name="path">The API path.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The body.</returns>
    /// <exception cref="OAuth2Capture.Tokens.OAuthTokenException">There is no usable token, or the API proved it dead; the subclass says why.</exception>
    public async Task<string> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>The same call for a background job, where no user is signed in: the request names whose connection to use.</summary>
    /// <param name="userId">The app's user id.</param>
    /// <param name="path">The API path.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The body.</returns>
    /// <exception cref="OAuth2Capture.Tokens.OAuthTokenException">There is no usable token, or the API proved it dead.</exception>
    public async Task<string> GetForAsync(string userId, string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path).SetOAuth2CaptureOwner(userId);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
// </snippet:api-client>

/// <summary>The API-client pattern: a typed client with the user's token, and an endpoint with no error handling of its own.</summary>
public static class ApiClientExample
{
    /// <summary>Registers <see cref="ProviderApiClient"/> for the provider API at <paramref name="apiBaseAddress"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="apiBaseAddress">The provider API's base address.</param>
    /// <param name="provider">The provider name.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddProviderApiClient(this IServiceCollection services, Uri apiBaseAddress, string provider)
    {
        // <snippet:api-client-registration>
        services.AddHttpClient<ProviderApiClient>(client => client.BaseAddress = apiBaseAddress)
            .AddOAuth2CaptureToken(provider);
        // </snippet:api-client-registration>
        return services;
    }

    /// <summary>Maps <c>GET /api/profile</c>, which reads the user's profile at the provider.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <param name="profilePath">The provider API path of the profile.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapProfileApi(this IEndpointRouteBuilder app, string profilePath)
    {
        // <snippet:api-client-answer>
        app.MapGet("/api/profile", async (ProviderApiClient api, CancellationToken cancellationToken)
            => Results.Text(await api.GetAsync(profilePath, cancellationToken), "application/json"))
            .RequireAuthorization();
        // </snippet:api-client-answer>
        return app;
    }
}

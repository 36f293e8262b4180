using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Http;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Examples;

// <snippet:api-client>
/// <summary>
/// A typed client of a provider's API that attaches the user's access token to every call. Typed clients are resolved
/// from the request's scope, so the scoped <see cref="ITokenValidityService"/> can be injected directly.
/// </summary>
/// <param name="http">The client (its base address is the provider's API).</param>
/// <param name="tokens">The token service.</param>
public sealed class ProviderApiClient(HttpClient http, ITokenValidityService tokens)
{
    /// <summary>Gets a JSON document of the provider's API on behalf of a user.</summary>
    /// <param name="userId">The app's user id.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="path">The API path.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The body.</returns>
    /// <exception cref="OAuthTokenException">There is no usable token; the subclass says why.</exception>
    public async Task<string> GetAsync(string userId, string provider, string path, CancellationToken cancellationToken = default)
    {
        // Throws TokenExpiredException, TokenRevokedException, InsufficientScopeException, TokenNotConnectedException,
        // TokenRefreshException (retry later) or OAuthConfigurationException (operator).
        var token = await tokens.GetRequiredTokenAsync(userId, provider, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(token.TokenType ?? "Bearer", token.AccessToken);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
// </snippet:api-client>

/// <summary>The API-client answer: a JSON API turns a missing token into a problem a front end can act on.</summary>
public static class ApiClientExample
{
    /// <summary>Registers <see cref="ProviderApiClient"/> for the provider API at <paramref name="apiBaseAddress"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="apiBaseAddress">The provider API's base address.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddProviderApiClient(this IServiceCollection services, Uri apiBaseAddress)
    {
        // <snippet:api-client-registration>
        services.AddHttpClient<ProviderApiClient>(client => client.BaseAddress = apiBaseAddress);
        // </snippet:api-client-registration>
        return services;
    }

    /// <summary>Maps <c>GET /api/profile</c>, which reads the user's profile at the provider.</summary>
    /// <param name="app">The app's endpoints.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="profilePath">The provider API path of the profile.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapProfileApi(this IEndpointRouteBuilder app, string provider, string profilePath)
    {
        // <snippet:api-client-answer>
        app.MapGet("/api/profile", async (HttpContext context, ProviderApiClient api) =>
        {
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
            try
            {
                return Results.Text(await api.GetAsync(userId, provider, profilePath, context.RequestAborted), "application/json");
            }
            catch (OAuthTokenException ex)
            {
                return ToProblem(context, ex);
            }
        }).RequireAuthorization();
        // </snippet:api-client-answer>
        return app;
    }

    // <snippet:api-client-problem>
    /// <summary>
    /// Answers like OAuth2Capture's own endpoints: a 403 with the stable <c>code</c> and a <c>reauthUrl</c> when the user
    /// can fix it (403, not 401: the user's session with this app is fine), 503 with <c>Retry-After</c> when the provider
    /// is down, 500 when the operator must act.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="ex">Why there is no token.</param>
    /// <returns>An RFC 9457 problem.</returns>
    public static IResult ToProblem(HttpContext context, OAuthTokenException ex)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ex);
        var (status, code) = ex switch
        {
            TokenNotConnectedException => (StatusCodes.Status403Forbidden, OAuth2CaptureErrorCodes.NotConnected),
            TokenRefreshException => (StatusCodes.Status503ServiceUnavailable, OAuth2CaptureErrorCodes.TemporarilyUnavailable),
            OAuthConfigurationException => (StatusCodes.Status500InternalServerError, OAuth2CaptureErrorCodes.ConfigurationError),
            _ => (StatusCodes.Status403Forbidden, OAuth2CaptureErrorCodes.ReauthRequired), // expired, revoked, scope
        };
        var extensions = new Dictionary<string, object?> { ["code"] = code, ["provider"] = ex.Provider };
        if (status == StatusCodes.Status403Forbidden)
        {
            extensions["reason"] = ex.Reason.ToString();
            extensions["reauthUrl"] = context.GetConnectUrl(ex.Provider, returnUrl: "/");
        }

        if (ex.Result.RetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        return Results.Problem(
            detail: ex.Recoverable ? $"Your {ex.Provider} connection cannot be used right now." : "This needs the site's operators.",
            statusCode: status,
            type: OAuth2CaptureErrorCodes.ProblemType(code),
            extensions: extensions);
    }
    // </snippet:api-client-problem>
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace ReauthSample;

/// <summary>The API-client pattern's server half: a JSON endpoint behind <c>.RequireOAuthToken("dev")</c>.</summary>
public static class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // A browser script calling this gets 403 problem details (with reauthUrl) when DevSocial needs reconnecting,
        // 503 with Retry-After when it is down, and this JSON when the token is good.
        endpoints.MapGet("/api/profile", Results<JsonHttpResult<ProfileAnswer>, NotFound> (HttpContext context) =>
        {
            var token = context.GetOAuthToken(SampleProviders.Social);
            return token is null
                ? TypedResults.NotFound()
                : TypedResults.Json(new ProfileAnswer(token.Provider, token.Status.ToString(), token.ExpiresAt,
                    $"The API call to DevSocial would carry a {token.TokenType} token here."));
        })
        .RequireAuthorization()
        .RequireOAuthToken(SampleProviders.Social);
    }
}

public sealed record ProfileAnswer(string Provider, string TokenStatus, DateTimeOffset? AccessTokenExpiresAt, string Note);

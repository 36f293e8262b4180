using ReauthSample.Services;

namespace ReauthSample;

/// <summary>The API-client pattern's server half: a JSON endpoint behind <c>.RequireOAuthToken("dev")</c>.</summary>
public static class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // A browser script calling this gets 403 problem details (with reauthUrl) when DevSocial needs reconnecting,
        // 503 with Retry-After when it is down, and this JSON when the token is good.
        endpoints.MapGet("/api/profile", async (HttpContext context, SocialApi api) =>
        {
            // A real call to DevSocial's API (GET api/me) with the signed-in user's token; a grant the API finds dead
            // throws, and the filter answers that like its own check.
            var token = context.GetOAuthToken(SampleProviders.Social)!;
            var me = await api.MeAsync(SampleProviders.Social, context.RequestAborted);
            return TypedResults.Json(new ProfileAnswer(token.Provider, token.Status.ToString(), token.ExpiresAt, me.Name));
        })
        .RequireAuthorization()
        .RequireOAuthToken(SampleProviders.Social);
    }
}

public sealed record ProfileAnswer(string Provider, string TokenStatus, DateTimeOffset? AccessTokenExpiresAt, string? NameAtProvider);

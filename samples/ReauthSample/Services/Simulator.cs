using OAuth2Capture;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace ReauthSample.Services;

/// <summary>What the dashboard's "simulate" panel can make the DevProvider do.</summary>
public enum Simulation
{
    ExpireAccessToken,
    ExpireRefreshToken,
    RevokeGrant,
    RevokeGrantAtProviderOnly,
    ServiceUnavailable,
    TooManyRequests,
    HtmlErrorPage,
    Hang,
    RequireMoreScopes,
    RejectClientSecret,
    ShortenLifetimes,
    Reset,
}

/// <summary>
/// Drives the embedded DevProvider's fault switches for the signed-in user at one provider (each DevProvider-backed
/// provider is its own client there, so killing one leaves the other working). A stored access token is usually still
/// good for an hour, so the switches that only bite at the next refresh also mark the stored access token as expired:
/// that is "an hour passes", and the next use of the connection goes to the DevProvider.
/// </summary>
public sealed class Simulator(DevProviderFaults faults, SampleProviders providers, ITokenStore store, ITokenValidityService tokens, TimeProvider time)
{
    public const int DefaultFailureCount = 3;

    public async Task<string> RunAsync(string owner, string provider, Simulation simulation, int count, CancellationToken cancellationToken)
    {
        var dev = providers.FindDev(provider)
            ?? throw new ArgumentException($"{provider} is not backed by the DevProvider, so it cannot be simulated.", nameof(provider));
        var name = dev.DisplayName;
        count = Math.Clamp(count, 1, 20);
        switch (simulation)
        {
            case Simulation.ExpireAccessToken:
                await faults.ExpireAccessTokensAsync(owner, dev.ClientId, cancellationToken);
                await ExpireStoredAccessTokenAsync(owner, provider, cancellationToken);
                return $"{name} invalidated your access token. The next post refreshes it silently: you will not be asked anything.";
            case Simulation.ExpireRefreshToken:
                await faults.ExpireRefreshTokensAsync(owner, dev.ClientId, cancellationToken);
                return await NoticeNowAsync(owner, provider, $"{name} expired your refresh token");
            case Simulation.RevokeGrant:
                await faults.RevokeGrantAsync(owner, dev.ClientId, cancellationToken);
                return await NoticeNowAsync(owner, provider, $"{name} revoked this app's access to your account");
            case Simulation.RevokeGrantAtProviderOnly:
                // What really happens: the user revokes the app at the provider's site; the stored access token still looks
                // good for up to an hour. The next post goes to the provider's API, whose 401 OAuth2Capture confirms.
                await faults.RevokeGrantAsync(owner, dev.ClientId, cancellationToken);
                return $"{name} revoked this app's access at its own site. This app still holds an access token that looks valid; the next post is rejected by {name}'s API, and OAuth2Capture asks you to reconnect at once.";
            case Simulation.ServiceUnavailable:
                faults.FailNextTokenRequests(DevTokenFault.ServiceUnavailable, count);
                await ExpireStoredAccessTokenAsync(owner, provider, cancellationToken);
                return $"{name}'s token endpoint answers 503 to the next {count} request(s). The next post needs a refresh, so it will be told to retry later (no reconnect).";
            case Simulation.TooManyRequests:
                faults.FailNextTokenRequests(DevTokenFault.TooManyRequests, count, TimeSpan.FromSeconds(30));
                await ExpireStoredAccessTokenAsync(owner, provider, cancellationToken);
                return $"{name}'s token endpoint answers 429 (Retry-After: 30 s) to the next {count} request(s). The next post will be told to retry later.";
            case Simulation.HtmlErrorPage:
                faults.FailNextTokenRequests(DevTokenFault.HtmlErrorPage, count);
                await ExpireStoredAccessTokenAsync(owner, provider, cancellationToken);
                return $"{name}'s token endpoint answers an HTML \"Bad Gateway\" page to the next {count} request(s). The next post will be told to retry later, naming {name} and the HTTP status.";
            case Simulation.Hang:
                faults.FailNextTokenRequests(DevTokenFault.Hang, count);
                await ExpireStoredAccessTokenAsync(owner, provider, cancellationToken);
                return $"{name}'s token endpoint never answers the next {count} request(s). The next post waits at most the resilience time bound, then is told to retry later.";
            case Simulation.RequireMoreScopes:
                faults.FailNextTokenRequests(DevTokenFault.InvalidScope, 1);
                return await NoticeNowAsync(owner, provider, $"{name} now requires permissions your grant does not have");
            case Simulation.RejectClientSecret:
                faults.RejectClientSecret = true;
                await ExpireStoredAccessTokenAsync(owner, provider, cancellationToken);
                return $"The DevProvider now rejects this app's client secret (invalid_client). The next post shows an operator problem, never a reconnect. Use \"Clear the DevProvider's faults\" to undo it.";
            case Simulation.ShortenLifetimes:
                faults.SetLifetimes(accessToken: null, refreshToken: TimeSpan.FromDays(3));
                return "Refresh tokens issued from now on last 3 days. Reconnect a provider to see the \"expires in 3 days\" warning.";
            case Simulation.Reset:
                faults.Reset();
                return "The DevProvider's faults are cleared and token lifetimes are back to their defaults. Dead connections stay dead until you reconnect them.";
            default:
                throw new ArgumentOutOfRangeException(nameof(simulation), simulation, "Unknown simulation.");
        }
    }

    private async Task<string> NoticeNowAsync(string owner, string provider, string what)
    {
        // Let the app find out at once, as it would at its next refresh, so the banner shows on the next page.
        await ExpireStoredAccessTokenAsync(owner, provider, CancellationToken.None);
        var result = await tokens.GetValidTokenAsync(owner, provider, CancellationToken.None);
        return result.Status == TokenStatus.ReauthRequired
            ? $"{what}. The app noticed at its next refresh: the connection now needs reconnecting ({result.Reason})."
            : $"{what}. The app's connection is {result.Status}.";
    }

    private async Task ExpireStoredAccessTokenAsync(string owner, string provider, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await store.FindLatestAsync(owner, provider, cancellationToken) is not { } row)
            {
                return;
            }

            row.AccessTokenExpiresAt = time.GetUtcNow().AddMinutes(-1);
            if (await store.TryUpdateAsync(row, cancellationToken))
            {
                return;
            }
        }
    }
}

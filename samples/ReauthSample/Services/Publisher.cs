using Microsoft.AspNetCore.Http;
using OAuth2Capture;
using OAuth2Capture.Providers;
using OAuth2Capture.Reauth;
using OAuth2Capture.Tokens;

namespace ReauthSample.Services;

/// <summary>What happened when publishing a post at one provider.</summary>
public enum PublishKind
{
    /// <summary>Published with a stored access token that was still good.</summary>
    Published,

    /// <summary>Published after OAuth2Capture refreshed the access token transparently.</summary>
    PublishedAfterRefresh,

    /// <summary>The user never connected the provider.</summary>
    NotConnected,

    /// <summary>Only the user can fix it, by reconnecting.</summary>
    ReconnectRequired,

    /// <summary>The provider is down or rate limiting: try later, no reconnect.</summary>
    RetryLater,

    /// <summary>The app's own credentials are rejected: an operator problem, no reconnect.</summary>
    OperatorProblem,
}

/// <summary>The service result: what happened and the specific message to show.</summary>
public sealed record PublishOutcome(string Provider, string ProviderDisplayName, PublishKind Kind, string Message, TimeSpan? RetryAfter = null)
{
    public bool Succeeded => Kind is PublishKind.Published or PublishKind.PublishedAfterRefresh;

    public bool NeedsUser => Kind is PublishKind.NotConnected or PublishKind.ReconnectRequired;
}

/// <summary>
/// The service-result pattern: asks OAuth2Capture for a usable token (<see cref="ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/>
/// never throws for provider failures) and turns each <see cref="TokenStatus"/> into a result the page reacts to. For the
/// DevProvider-backed providers the post is then really sent to the provider's API (<see cref="SocialApi"/>), where a grant
/// the user revoked shows up at once; a real provider configured on top has no API in this sample, so its post is only
/// recorded.
/// </summary>
public sealed class Publisher(ITokenValidityService tokens, IOAuthProviderCatalog catalog, IReauthMessageProvider messages, PostBoard board, SocialApi api, SampleProviders providers)
{
    public async Task<PublishOutcome> PublishAsync(HttpContext http, Post post, string provider, CancellationToken cancellationToken)
    {
        var name = catalog.TryGet(provider, out var configured) ? configured.DisplayName : provider;
        var result = await tokens.GetValidTokenAsync(post.Owner, provider, cancellationToken);
        if (result.Succeeded && providers.FindDev(provider) is not null)
        {
            try
            {
                await api.PostAsync(post.Owner, provider, post.Text, cancellationToken);
            }
            catch (OAuthTokenException dead)
            {
                // The API rejected the token and OAuth2Capture confirmed it (the grant was revoked at the provider).
                return Outcome(http, provider, name, dead.Result);
            }
            catch (HttpRequestException failed)
            {
                return new PublishOutcome(provider, name, PublishKind.RetryLater,
                    $"{name} answered {(int?)failed.StatusCode} when publishing, so your post was not published. Your connection is fine: try again later, no need to reconnect.");
            }
        }

        return Outcome(http, provider, name, result, post);
    }

    private PublishOutcome Outcome(HttpContext http, string provider, string name, TokenResult result, Post? published = null)
    {
        switch (result.Status)
        {
            case TokenStatus.Valid:
            case TokenStatus.Refreshed:
                board.Publish(published!.Owner, published.Id, provider);
                return new PublishOutcome(provider, name,
                    result.Status == TokenStatus.Refreshed ? PublishKind.PublishedAfterRefresh : PublishKind.Published,
                    result.Status == TokenStatus.Refreshed
                        ? $"Published to {name}. The access token had expired; OAuth2Capture refreshed it without bothering you."
                        : $"Published to {name}.");
            case TokenStatus.TemporarilyUnavailable:
                var wait = result.RetryAfter is { } after ? $" {name} asked us to wait {Math.Ceiling(after.TotalSeconds)} seconds." : string.Empty;
                return new PublishOutcome(provider, name, PublishKind.RetryLater,
                    $"{name} is not responding right now, so your post was not published.{wait} Your connection is fine: try again later, no need to reconnect.",
                    result.RetryAfter);
            case TokenStatus.ConfigurationError:
                return new PublishOutcome(provider, name, PublishKind.OperatorProblem,
                    $"{name} rejected this app's own credentials, so your post was not published. That is a problem on our side; reconnecting would not help.");
            default:
                var message = messages.GetMessage(new ReauthMessageContext(http, provider, name, result.Status, result.Reason));
                return new PublishOutcome(provider, name,
                    result.Status == TokenStatus.NotConnected ? PublishKind.NotConnected : PublishKind.ReconnectRequired, message);
        }
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>
/// The framework's OAuth handler with the two steps providers disagree on: the scope separator (Pinterest, Facebook
/// want commas) and client authentication at the token endpoint (X, Reddit and Pinterest want a Basic header; the
/// framework always posts the secret in the body). The code exchange is also read defensively, like refreshes.
/// </summary>
internal sealed class OAuth2CaptureOAuthHandler(IOptionsMonitor<OAuth2CaptureOAuthOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : OAuthHandler<OAuth2CaptureOAuthOptions>(options, logger, encoder)
{
    protected override string FormatScope(IEnumerable<string> scopes) => string.Join(Options.ScopeSeparator, scopes);

    // The framework always writes "scope=", empty when no scope is configured, which some servers reject as an invalid
    // scope; RFC 6749 §3.3 makes the parameter optional, so a provider without scopes gets none and its default applies.
    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        var url = base.BuildChallengeUrl(properties, redirectUri);
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return url;
        }

        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url[query..]);
        if (!parameters.TryGetValue("scope", out var scope) || !string.IsNullOrEmpty(scope.ToString()))
        {
            return url;
        }

        parameters.Remove("scope");
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(url[..query], parameters);
    }

    // The framework's remote handler authenticates (and forbids) by delegating to its sign-in scheme, which defaults
    // to the app's default scheme. Ours signs nobody in, so it has no user to give: answering for itself means that
    // even when the framework picks it as the default (it is the only scheme registered), a request cannot make it
    // delegate to itself until the stack overflows.
    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());

    // The framework fails an unreadable state and a missing correlation cookie with the same exception type as any
    // other callback failure, told apart only by its message. Both checks run before the correlation check passes, so a
    // failure before that point is a state failure, whatever the message says.
    private bool correlationPassed;

    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        var result = await base.HandleRemoteAuthenticateAsync().ConfigureAwait(false);
        return result.Failure is { } failure && !correlationPassed
            ? HandleRequestResult.Fail(new CallbackStateException(failure), result.Properties)
            : result;
    }

    protected override bool ValidateCorrelationId(AuthenticationProperties properties)
        => correlationPassed = base.ValidateCorrelationId(properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    protected override async Task<OAuthTokenResponse> ExchangeCodeAsync(OAuthCodeExchangeContext context)
    {
        var catalog = Context.RequestServices.GetRequiredService<IOAuthProviderCatalog>();
        if (!catalog.TryGet(Options.ProviderName, out var provider))
        {
            return OAuthTokenResponse.Failed(new InvalidOperationException($"The provider '{Options.ProviderName}' is no longer configured."));
        }

        var parameters = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", context.Code),
            new("redirect_uri", context.RedirectUri),
        };
        if (context.Properties.Items.TryGetValue(OAuthConstants.CodeVerifierKey, out var verifier) && verifier is not null)
        {
            parameters.Add(new(OAuthConstants.CodeVerifierKey, verifier));
            context.Properties.Items.Remove(OAuthConstants.CodeVerifierKey);
        }

        var request = TokenEndpointClient.CreateFormPost(provider, Options.TokenEndpoint, parameters);
        var response = await TokenEndpointClient.SendAsync(provider, Backchannel, request, Context.RequestAborted).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return OAuthTokenResponse.Failed(new CodeExchangeException(response));
        }

        // The capture step reads the parsed answer itself. The framework only needs the four fields it puts on its own
        // context, as a JSON document whatever the provider's format.
        Context.Items[ConnectFlowItems.ExchangedTokens] = response;
        var fields = new Dictionary<string, object>
        {
            ["access_token"] = response.AccessToken!,
            ["token_type"] = response.TokenType ?? "Bearer",
        };
        AddIfSet(fields, "refresh_token", response.RefreshToken);
        if (response.ExpiresIn is { } expiresIn)
        {
            fields["expires_in"] = ((long)expiresIn.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return OAuthTokenResponse.Success(JsonSerializer.SerializeToDocument(fields));
    }

    private static void AddIfSet(Dictionary<string, object> fields, string key, string? value)
    {
        if (value is not null)
        {
            fields[key] = value;
        }
    }
}

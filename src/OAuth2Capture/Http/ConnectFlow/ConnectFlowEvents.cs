using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Reauth;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>
/// The framework OAuth handler's events for every provider scheme: capture the tokens when the ticket is created,
/// skip signing in and go back to the app, and turn every failure into a specific answer.
/// </summary>
internal sealed partial class ConnectFlowEvents(
    IOAuthProviderCatalog catalog,
    IOwnerIdResolver ownerResolver,
    ProviderProfileReader profileReader,
    ConnectionWriter writer,
    IOptionsMonitor<OAuth2CaptureOptions> options,
    TimeProvider time,
    Diagnostics.ProviderConfigurationRejections rejections,
    ILogger<ConnectFlowEvents> logger) : OAuthEvents
{
    public override async Task CreatingTicket(OAuthCreatingTicketContext context)
    {
        var provider = Provider(context.Options);
        var owner = Item(context.Properties, ConnectFlowItems.Owner);

        // The user who comes back must be the one who left: a callback carrying someone else's state cannot attach
        // an account to the signed-in user.
        // The callback runs inside the authentication middleware, before HttpContext.User is set: ask the app's default scheme.
        if (owner is null || ownerResolver.GetOwnerId(await CurrentUserAsync(context.HttpContext).ConfigureAwait(false)) != owner)
        {
            throw new ConnectFlowException(new OAuth2CaptureError(StatusCodes.Status400BadRequest, OAuth2CaptureErrorCodes.InvalidState,
                "This sign-in link is not yours", $"The {provider.DisplayName} authorization was started by another session of this app.",
                "Start connecting again from the app.") { Provider = provider.Name, ProviderDisplayName = provider.DisplayName });
        }

        var profile = await profileReader.ReadAsync(provider, context.AccessToken!, context.HttpContext.RequestAborted).ConfigureAwait(false);
        var exchanged = context.HttpContext.Items[ConnectFlowItems.ExchangedTokens] as TokenEndpointResponse
            ?? throw new InvalidOperationException("The code exchange left no parsed answer for the capture step.");
        var tokens = new CapturedTokens(exchanged.AccessToken!, exchanged.RefreshToken, exchanged.TokenType ?? "Bearer", exchanged.ExpiresIn,
            exchanged.RefreshTokenExpiresIn, exchanged.Scope ?? Item(context.Properties, ConnectFlowItems.RequestedScopes) ?? string.Join(' ', context.Options.Scope));

        try
        {
            var (row, reconnected) = await writer.UpsertAsync(owner, provider, profile, tokens, context.HttpContext.RequestAborted).ConfigureAwait(false);
            context.Properties.Items[ConnectFlowItems.ConnectionId] = row.Id.ToString();
            context.Properties.Items[ConnectFlowItems.Reconnected] = reconnected ? "1" : "0";
            Log.Captured(logger, provider.Name, row.Id, reconnected);
            rejections.Clear(provider.Name);
        }
        catch (ConnectionConflictException)
        {
            Log.AccountOwnedByAnotherUser(logger, provider.Name);
            throw new ConnectFlowException(new OAuth2CaptureError(StatusCodes.Status409Conflict, OAuth2CaptureErrorCodes.AccountAlreadyConnected,
                $"This {provider.DisplayName} account is already connected",
                $"The {provider.DisplayName} account you approved is connected to another user of this app, so it was not connected to yours.",
                $"Sign in to {provider.DisplayName} with a different account and connect again, or disconnect it from the other user first.")
            {
                Provider = provider.Name,
                ProviderDisplayName = provider.DisplayName,
                RetryUrl = context.HttpContext.GetConnectUrl(provider.Name, Item(context.Properties, ConnectFlowItems.ReturnUrl)),
            });
        }
    }

    public override async Task TicketReceived(TicketReceivedContext context)
    {
        // The user is already signed in to the app: no sign-in, just go back to what they were doing.
        context.HandleResponse();
        var items = context.Properties!;
        var provider = Provider((OAuth2CaptureOAuthOptions)context.Options);
        var owner = Item(items, ConnectFlowItems.Owner)!;
        var fallback = options.CurrentValue.DefaultReturnUrl;
        var captured = new ConnectionCapturedContext(
            context.HttpContext,
            provider.Name,
            provider.DisplayName,
            Guid.Parse(Item(items, ConnectFlowItems.ConnectionId)!),
            owner,
            Item(items, ConnectFlowItems.Reconnected) == "1",
            LocalUrl.OrDefault(Item(items, ConnectFlowItems.ReturnUrl), fallback),
            Item(items, ConnectFlowItems.PendingAction));
        await ResolveAppEvents(context.HttpContext).ConnectionCaptured(captured).ConfigureAwait(false);
        FlashMessage.Set(context.HttpContext, captured.Message);
        context.Response.Redirect(LocalUrl.OrDefault(captured.ReturnUrl, fallback));
    }

    public override Task AccessDenied(AccessDeniedContext context)
    {
        context.HandleResponse();
        var provider = Provider((OAuth2CaptureOAuthOptions)context.Options);
        var returnUrl = Item(context.Properties, ConnectFlowItems.ReturnUrl);
        Log.AccessDenied(logger, provider.Name);
        return OAuth2CaptureErrorWriter.WriteAsync(context.HttpContext, new OAuth2CaptureError(StatusCodes.Status403Forbidden, OAuth2CaptureErrorCodes.AccessDenied,
            $"You declined access to {provider.DisplayName}",
            $"{provider.DisplayName} was not connected because access was declined on {provider.DisplayName}'s page. Nothing was stored.",
            $"If that was a mistake, try again and choose to allow access.")
        {
            Provider = provider.Name,
            ProviderDisplayName = provider.DisplayName,
            RetryUrl = context.HttpContext.GetConnectUrl(provider.Name, returnUrl),
        });
    }

    public override Task RemoteFailure(RemoteFailureContext context)
    {
        context.HandleResponse();
        var provider = Provider((OAuth2CaptureOAuthOptions)context.Options);
        var error = Classify(context, provider);
        Log.ConnectFailed(logger, provider.Name, error.Code, error.StatusCode, context.Failure?.GetType().Name, context.Failure?.Message);
        return OAuth2CaptureErrorWriter.WriteAsync(context.HttpContext, error);
    }

    private OAuth2CaptureError Classify(RemoteFailureContext context, OAuthProvider provider)
    {
        var returnUrl = Item(context.Properties, ConnectFlowItems.ReturnUrl);
        var retry = context.HttpContext.GetConnectUrl(provider.Name, returnUrl);
        OAuth2CaptureError Error(int status, string code, string title, string detail, string action)
            => new(status, code, title, detail, action) { Provider = provider.Name, ProviderDisplayName = provider.DisplayName, RetryUrl = retry };

        switch (context.Failure)
        {
            case ConnectFlowException flow:
                return flow.Error with { RetryUrl = flow.Error.RetryUrl ?? retry };
            case CodeExchangeException exchange:
                var (status, _) = provider.Descriptor.FailureClassifier.Classify(exchange.Response, new(time.GetUtcNow()));
                if (status == TokenStatus.ConfigurationError)
                {
                    rejections.Record(provider.Name, exchange.Response.Error);
                }

                return status == TokenStatus.TemporarilyUnavailable
                    ? Error(StatusCodes.Status503ServiceUnavailable, OAuth2CaptureErrorCodes.ProviderUnavailable, $"{provider.DisplayName} is not answering",
                        exchange.Response.ErrorDescription ?? $"{provider.DisplayName} could not complete the connection.", "Try again in a few minutes.")
                        with { RetryAfter = exchange.Response.RetryAfter }
                    : Error(StatusCodes.Status502BadGateway, OAuth2CaptureErrorCodes.CodeExchangeFailed, $"{provider.DisplayName} did not complete the connection",
                        $"{provider.DisplayName} refused to finish the connection ({exchange.Response.Error ?? "no error code"}{(exchange.Response.ErrorDescription is { } d ? ": " + d : string.Empty)}).",
                        "Try again; if it keeps failing, contact the site's operators.");
            case { } failure when StoreFailure.IsUnavailable(failure, context.HttpContext.RequestAborted):
                // Our database, not the provider: nothing was stored, and the authorization code is spent, so start again.
                return Endpoints.Errors.StoreUnavailableError(provider.Name, provider.DisplayName) with { RetryUrl = retry };
            case AuthenticationFailureException failure when failure.Data["error"] is "invalid_scope":
                // The provider will not grant a scope the app asked for (unknown to it, or not enabled for this client):
                // the app's configuration or code, which reconnecting cannot change.
                return Error(StatusCodes.Status500InternalServerError, OAuth2CaptureErrorCodes.ConfigurationError, $"{provider.DisplayName} refused the permissions this app asked for",
                    $"{provider.DisplayName} answered invalid_scope: a permission this app asked for is not available to it{(failure.Data["error_description"] is string description ? $" ({description})" : string.Empty)}.",
                    "Please contact the site's operators; connecting again will not help.");
            case CallbackStateException:
                return Error(StatusCodes.Status400BadRequest, OAuth2CaptureErrorCodes.InvalidState, "This connection attempt expired or was already used",
                    $"The answer from {provider.DisplayName} could not be matched to a connection started in this browser (the link was reused, tampered with, or the browser's cookies were cleared).",
                    "Start connecting again from the app.");
        }

        return Error(StatusCodes.Status502BadGateway, OAuth2CaptureErrorCodes.CodeExchangeFailed, $"{provider.DisplayName} did not complete the connection",
            $"{provider.DisplayName} answered with an error instead of connecting the account.", "Try again; if it keeps failing, contact the site's operators.");
    }

    private static async Task<System.Security.Claims.ClaimsPrincipal> CurrentUserAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            return context.User;
        }

        var schemes = context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();
        if (await schemes.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false) is null)
        {
            return context.User;
        }

        var result = await context.AuthenticateAsync().ConfigureAwait(false);
        return result.Principal ?? context.User;
    }

    private static string? Item(AuthenticationProperties? properties, string key)
        => properties is not null && properties.Items.TryGetValue(key, out var value) ? value : null;

    private OAuthProvider Provider(OAuthOptions schemeOptions)
        => catalog.TryGet(((OAuth2CaptureOAuthOptions)schemeOptions).ProviderName, out var provider)
            ? provider
            : throw new InvalidOperationException($"The provider '{((OAuth2CaptureOAuthOptions)schemeOptions).ProviderName}' is not configured.");

    private OAuth2CaptureEvents ResolveAppEvents(HttpContext context)
    {
        var current = options.CurrentValue;
        return current.EventsType is { } type
            ? (OAuth2CaptureEvents)context.RequestServices.GetRequiredService(type)
            : current.Events;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, EventName = "ConnectionCaptured", Level = LogLevel.Information, Message = "Stored the {Provider} connection {ConnectionId} (reconnect: {Reconnected}).")]
        public static partial void Captured(ILogger logger, string provider, Guid connectionId, bool reconnected);

        [LoggerMessage(EventId = 1002, EventName = "ConnectAccessDenied", Level = LogLevel.Information, Message = "The user declined access at {Provider}; nothing was stored.")]
        public static partial void AccessDenied(ILogger logger, string provider);

        [LoggerMessage(EventId = 1003, EventName = "ConnectFailed", Level = LogLevel.Warning, Message = "Connecting {Provider} failed: {Code} (HTTP {StatusCode}); {FailureType}: {FailureMessage}")]
        public static partial void ConnectFailed(ILogger logger, string provider, string code, int statusCode, string? failureType, string? failureMessage);

        [LoggerMessage(EventId = 1004, EventName = "AccountOwnedByAnotherUser", Level = LogLevel.Warning, Message = "A {Provider} account already connected by another user was offered again; it was not moved.")]
        public static partial void AccountOwnedByAnotherUser(ILogger logger, string provider);
    }
}

using Microsoft.AspNetCore.Http;
using OAuth2Capture.Providers;

namespace OAuth2Capture.Http.Endpoints;

/// <summary>The endpoints' error answers, each written through <see cref="OAuth2CaptureErrorWriter"/>.</summary>
internal static class Errors
{
    public static IResult UnknownProvider(string provider)
        => new ErrorResult(new OAuth2CaptureError(StatusCodes.Status404NotFound, OAuth2CaptureErrorCodes.UnknownProvider,
            "Unknown provider", $"This app does not connect to a provider named '{Truncate(provider)}'.", "Check the link, or go back and choose a provider from the list."));

    public static IResult NotSignedIn()
        => new ErrorResult(new OAuth2CaptureError(StatusCodes.Status401Unauthorized, OAuth2CaptureErrorCodes.NotSignedIn,
            "Sign in first", "Connecting an account needs you to be signed in to this app.", "Sign in, then try again."));

    public static IResult ConnectionNotFound()
        => new ErrorResult(new OAuth2CaptureError(StatusCodes.Status404NotFound, OAuth2CaptureErrorCodes.ConnectionNotFound,
            "Connection not found", "You have no connection with that id.", "Reload the list of your connections."));

    public static IResult AntiforgeryFailed()
        => new ErrorResult(new OAuth2CaptureError(StatusCodes.Status400BadRequest, OAuth2CaptureErrorCodes.AntiforgeryFailed,
            "The form expired", "The request did not carry a valid antiforgery token, so nothing was changed.", "Reload the page and try again."));

    public static IResult ReauthLoop(OAuthProvider provider, OAuth2CaptureOptions options)
        => new ErrorResult(new OAuth2CaptureError(StatusCodes.Status500InternalServerError, OAuth2CaptureErrorCodes.ReauthLoop,
            $"{provider.DisplayName} keeps disconnecting",
            $"Your {provider.DisplayName} connection stopped working right after each of your last {options.ReauthLoopThreshold} reconnects, so reconnecting again would not help.",
            $"This needs the site's operators: they should check the {provider.DisplayName} client id and secret, and {provider.DisplayName}'s app policy (for example a test mode that limits token lifetimes, or a permission it never grants). Please try again later.")
        {
            Provider = provider.Name,
            ProviderDisplayName = provider.DisplayName,
        });

    public static IResult StoreUnavailable() => new ErrorResult(StoreUnavailableError(provider: null, displayName: null));

    /// <summary>The answer while the connection store cannot be reached, for endpoints and filters alike.</summary>
    internal static OAuth2CaptureError StoreUnavailableError(string? provider, string? displayName)
        => new(StatusCodes.Status503ServiceUnavailable, OAuth2CaptureErrorCodes.StoreUnavailable,
            "Connected accounts are unavailable for a moment",
            "This site could not reach its own database, so nothing was changed. Your connected accounts are not affected.",
            "Try again in a few seconds; you don't need to reconnect.")
        {
            Provider = provider,
            ProviderDisplayName = displayName,
            RetryAfter = Storage.StoreFailure.RetryAfter,
        };

    private static string Truncate(string value) => value.Length <= 50 ? value : value[..50] + "…";

    /// <summary>Defers to the writer so the answer is negotiated (problem details or page) at execution.</summary>
    internal sealed class ErrorResult(OAuth2CaptureError error) : IResult
    {
        public OAuth2CaptureError Error { get; } = error;

        public Task ExecuteAsync(HttpContext httpContext) => OAuth2CaptureErrorWriter.WriteAsync(httpContext, Error);
    }
}

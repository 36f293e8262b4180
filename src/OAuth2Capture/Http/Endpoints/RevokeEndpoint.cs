using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using OAuth2Capture.Providers.Revocation;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http.Endpoints;

/// <summary>
/// <c>POST {prefix}/{id}/revoke</c>: <see cref="IOAuthConnectionService.DisconnectAsync"/> for the signed-in user, answered
/// as JSON or, for browsers, as a redirect with a message. Someone else's id is a 404 and their row is never touched.
/// Needs an antiforgery token (form field or <c>RequestVerificationToken</c> header).
/// </summary>
internal static class RevokeEndpoint
{
    public static async Task<IResult> HandleAsync(
        Guid id,
        HttpContext context,
        IOwnerIdResolver ownerResolver,
        IAntiforgery antiforgery,
        IOAuthConnectionService connections,
        OAuth2CaptureEndpointLinks links)
    {
        var owner = ownerResolver.GetOwnerId(context.User);
        if (owner is null)
        {
            return Errors.NotSignedIn();
        }

        if (!await IsAntiforgeryValidAsync(antiforgery, context).ConfigureAwait(false))
        {
            return Errors.AntiforgeryFailed();
        }

        var result = await connections.DisconnectAsync(owner, id, context.RequestAborted).ConfigureAwait(false);
        if (!result.Found)
        {
            return Errors.ConnectionNotFound();
        }

        var outcome = result.Revocation;
        if (OAuth2CaptureErrorWriter.WantsHtml(context.Request))
        {
            var displayName = result.ProviderDisplayName;
            var form = await TryReadFormAsync(context.Request).ConfigureAwait(false);
            FlashMessage.Set(context, outcome.Status == RevocationStatus.Failed
                ? $"Your {displayName} account is disconnected here, but {displayName} could not confirm the revocation ({outcome.Description}). You can also remove access in your {displayName} settings."
                : $"Your {displayName} account is disconnected.");
            return Results.Redirect(LocalUrl.OrDefault(form?["returnUrl"], links.List(context.Request.PathBase)));
        }

        return Results.Json(new
        {
            id = result.ConnectionId,
            provider = result.Provider,
            deleted = true,
            providerRevocation = new { status = outcome.Status.ToString(), description = outcome.Description },
        });
    }

    /// <summary>A form that cannot even be read (invalid UTF-8, too large) fails the check like a missing token, not with a 500.</summary>
    private static async Task<bool> IsAntiforgeryValidAsync(IAntiforgery antiforgery, HttpContext context)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    /// <summary>The posted form, or <see langword="null"/> when there is none or it cannot be read (the token came in a header).</summary>
    private static async Task<IFormCollection?> TryReadFormAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
        {
            return null;
        }

        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}

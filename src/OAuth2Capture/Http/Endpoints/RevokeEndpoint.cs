using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OAuth2Capture.Providers;
using OAuth2Capture.Providers.Revocation;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Http.Endpoints;

/// <summary>
/// <c>POST {prefix}/{id}/revoke</c>: deletes one of the caller's own connections and revokes the grant at the provider
/// when it can. A failure at the provider is reported, but the local row is removed all the same; someone else's id is a
/// 404 and their row is never touched. Needs an antiforgery token (form field or <c>RequestVerificationToken</c> header).
/// </summary>
internal static partial class RevokeEndpoint
{
    public static async Task<IResult> HandleAsync(
        Guid id,
        HttpContext context,
        IOwnerIdResolver ownerResolver,
        IAntiforgery antiforgery,
        ITokenStore store,
        ITokenProtector protector,
        IOAuthProviderCatalog catalog,
        ProviderTokenRevoker revoker,
        IHttpClientFactory httpClientFactory,
        IOptionsMonitor<OAuth2CaptureOptions> options,
        ILoggerFactory loggerFactory)
    {
        var owner = ownerResolver.GetOwnerId(context.User);
        if (owner is null)
        {
            return Errors.NotSignedIn();
        }

        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Errors.AntiforgeryFailed();
        }

        var row = await store.FindByIdAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (row is null || row.OwnerId != owner)
        {
            return Errors.ConnectionNotFound();
        }

        var outcome = catalog.TryGet(row.Provider, out var provider)
            ? await revoker.RevokeAsync(provider, httpClientFactory.CreateClient(provider.HttpClientName), protector.Unprotect(row.EncryptedAccessToken),
                row.EncryptedRefreshToken is null ? null : protector.Unprotect(row.EncryptedRefreshToken), context.RequestAborted).ConfigureAwait(false)
            : RevocationOutcome.NotSupported(row.Provider);
        await store.DeleteAsync(row.Id, context.RequestAborted).ConfigureAwait(false);
        var displayName = provider?.DisplayName ?? row.Provider;
        var logger = loggerFactory.CreateLogger(typeof(RevokeEndpoint).FullName!);
        Log.Revoked(logger, row.Provider, row.Id, outcome.Status);

        if (OAuth2CaptureErrorWriter.WantsHtml(context.Request))
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
            FlashMessage.Set(context, outcome.Status == RevocationStatus.Failed
                ? $"Your {displayName} account is disconnected here, but {displayName} could not confirm the revocation ({outcome.Description}). You can also remove access in your {displayName} settings."
                : $"Your {displayName} account is disconnected.");
            return Results.Redirect(LocalUrl.OrDefault(form?["returnUrl"], $"{context.Request.PathBase}{options.CurrentValue.PathPrefix.TrimEnd('/')}/"));
        }

        return Results.Json(new
        {
            id = row.Id,
            provider = row.Provider,
            deleted = true,
            providerRevocation = new { status = outcome.Status.ToString(), description = outcome.Description },
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1010, EventName = "ConnectionRevoked", Level = LogLevel.Information, Message = "Deleted the {Provider} connection {ConnectionId}; revocation at the provider: {Outcome}.")]
        public static partial void Revoked(ILogger logger, string provider, Guid connectionId, RevocationStatus outcome);
    }
}

using OAuth2Capture.Providers.Revocation;
using OAuth2Capture.Storage;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Examples;

// <snippet:disconnect-service>
/// <summary>Part of deleting a user's account: disconnects every provider they connected, from code.</summary>
public sealed class AccountDeletion(ITokenStore store, IOAuthConnectionService connections)
{
    /// <summary>Disconnects all of the user's connections.</summary>
    /// <param name="userId">The app's user id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The providers that could not be told, so the user can remove access in their settings there.</returns>
    public async Task<IReadOnlyList<string>> DisconnectAllAsync(string userId, CancellationToken cancellationToken)
    {
        var notTold = new List<string>();
        foreach (var connection in await store.ListByOwnerAsync(userId, cancellationToken))
        {
            var result = await connections.DisconnectAsync(userId, connection.Id, cancellationToken);

            // The row is gone either way; a failed revocation means the grant may still be live at the provider.
            if (result.Found && result.Revocation.Status == RevocationStatus.Failed)
            {
                notTold.Add(result.ProviderDisplayName);
            }
        }

        return notTold;
    }
}
// </snippet:disconnect-service>

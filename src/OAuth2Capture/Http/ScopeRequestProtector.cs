using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Http;

/// <summary>
/// Seals, for one user, the scopes a connect URL asks for beyond the configured ones (scopes in context), so a link
/// crafted by someone else cannot make the app ask a user's provider for more than the app's own code needs.
/// </summary>
/// <remarks>
/// Unlike a pending action the seal does not expire: replaying it only asks the same user's consent for the same scopes.
/// An unreadable seal (tampered, another user's, a rotated-away key) asks for nothing extra; the endpoint that needs the
/// scope then sends the user round again with a fresh one.
/// </remarks>
internal sealed class ScopeRequestProtector(IDataProtectionProvider dataProtection)
{
    public string Protect(string ownerId, IEnumerable<string> scopes)
        => Protector(ownerId).Protect(string.Join(' ', scopes));

    /// <summary>The sealed scopes, or none when <paramref name="sealedScopes"/> is absent or unreadable for this user.</summary>
    public IReadOnlyList<string> Unprotect(string ownerId, string? sealedScopes)
    {
        if (string.IsNullOrEmpty(sealedScopes))
        {
            return [];
        }

        try
        {
            return [.. ScopeRules.Requestable(ScopeRules.Parse(Protector(ownerId).Unprotect(sealedScopes)))];
        }
        catch (CryptographicException)
        {
            return [];
        }
    }

    private IDataProtector Protector(string ownerId)
        => dataProtection.CreateProtector("OAuth2Capture.ConnectScopes.v1", ownerId);
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace OAuth2Capture.Http;

/// <summary>
/// Seals the pending action an app parks in a connect URL, bound to the user and valid for 30 minutes, so a link
/// crafted by someone else cannot make the app replay an action for the victim.
/// </summary>
internal sealed class PendingActionProtector(IDataProtectionProvider dataProtection, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    public string Protect(string ownerId, string pendingAction)
        => Protector(ownerId).Protect(pendingAction, time.GetUtcNow() + Lifetime);

    public string? Unprotect(string ownerId, string? sealedAction)
    {
        if (string.IsNullOrEmpty(sealedAction))
        {
            return null;
        }

        try
        {
            var value = Protector(ownerId).Unprotect(sealedAction, out var expiration);
            return expiration >= time.GetUtcNow() ? value : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private ITimeLimitedDataProtector Protector(string ownerId)
        => dataProtection.CreateProtector("OAuth2Capture.PendingAction.v1", ownerId).ToTimeLimitedDataProtector();
}

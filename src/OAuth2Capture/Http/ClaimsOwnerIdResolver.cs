using System.Security.Claims;

namespace OAuth2Capture.Http;

/// <summary>The default owner: <see cref="ClaimTypes.NameIdentifier"/>, else <c>sub</c>.</summary>
internal sealed class ClaimsOwnerIdResolver : IOwnerIdResolver
{
    public string? GetOwnerId(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub");
        return string.IsNullOrEmpty(id) ? null : id;
    }
}

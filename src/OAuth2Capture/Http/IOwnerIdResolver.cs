using System.Security.Claims;

namespace OAuth2Capture.Http;

/// <summary>Finds the app's user id (the owner of connections) in the signed-in principal. Replace it to use another claim.</summary>
public interface IOwnerIdResolver
{
    /// <summary>Gets the owner id of a principal.</summary>
    /// <param name="user">The signed-in principal.</param>
    /// <returns>The owner id, or <see langword="null"/> when the principal is anonymous or carries no id.</returns>
    string? GetOwnerId(ClaimsPrincipal user);
}

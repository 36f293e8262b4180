namespace System.Net.Http;

/// <summary>
/// Names the connection whose token a client with <c>AddOAuth2CaptureToken</c> attaches to one request, where there is no
/// signed-in user to take it from (a background job, a hosted service) or another user's connection is meant.
/// </summary>
public static class OAuth2CaptureHttpRequestMessageExtensions
{
    internal static readonly HttpRequestOptionsKey<string> OwnerIdKey = new("OAuth2Capture.OwnerId");
    internal static readonly HttpRequestOptionsKey<Guid> ConnectionIdKey = new("OAuth2Capture.ConnectionId");

    /// <summary>Sends the request with the token of <paramref name="ownerId"/>'s connection to the client's provider.</summary>
    /// <param name="request">The request.</param>
    /// <param name="ownerId">The app's user id (as the owner id resolver gives it for that user).</param>
    /// <returns>The same <paramref name="request"/>.</returns>
    public static HttpRequestMessage SetOAuth2CaptureOwner(this HttpRequestMessage request, string ownerId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        request.Options.Set(OwnerIdKey, ownerId);
        return request;
    }

    /// <summary>Sends the request with the token of one connection (a stored row id), which must belong to the client's provider.</summary>
    /// <param name="request">The request.</param>
    /// <param name="connectionId">The connection id.</param>
    /// <returns>The same <paramref name="request"/>.</returns>
    public static HttpRequestMessage SetOAuth2CaptureConnection(this HttpRequestMessage request, Guid connectionId)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(ConnectionIdKey, connectionId);
        return request;
    }
}

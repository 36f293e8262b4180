// <snippet:getting-started-usings>
using OAuth2Capture;          // TokenStatus, ReauthReason, the options
using OAuth2Capture.Http;     // RequireOAuthTokenAttribute, the status feature (IOAuthStatusFeature, OAuthProviderStatus)
using OAuth2Capture.Tokens;   // ITokenValidityService, TokenResult, IOAuthConnectionService, the exceptions
// </snippet:getting-started-usings>

namespace MyApp;

/// <summary>
/// The types docs/getting-started.md uses, named from an app's own namespace (not under <c>OAuth2Capture</c>) with only
/// the using lines the page shows: this file compiles only while those lines are enough.
/// </summary>
public static class GettingStartedTypes
{
    /// <summary>Gets the types, each imported by one of the using lines above.</summary>
    public static IReadOnlyList<Type> All { get; } =
    [
        typeof(TokenStatus), typeof(ReauthReason), typeof(OAuth2CaptureOptions),
        typeof(RequireOAuthTokenAttribute), typeof(IOAuthStatusFeature), typeof(OAuthProviderStatus),
        typeof(ITokenValidityService), typeof(TokenResult), typeof(IOAuthConnectionService), typeof(OAuthTokenException),
    ];
}

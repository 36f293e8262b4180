using OAuth2Capture.Tokens;

namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// Decides what a failed token-endpoint answer means: whose problem it is (<see cref="TokenStatus"/>) and, when only the
/// user can fix it, why (<see cref="ReauthReason"/>). Every descriptor carries one
/// (<see cref="OAuthProviderDescriptor.FailureClassifier"/>): <see cref="Rfc6749FailureClassifier"/> unless the provider
/// has error codes of its own, which its <see cref="ProviderFailureClassifier"/> in <c>Providers/BuiltIn/</c> reads first.
/// </summary>
/// <remarks>
/// Internal on purpose: descriptors come only from the built-in list and from configuration, so an app has nowhere to
/// plug one in, and a provider defined in configuration alone always gets the RFC 6749 rules.
/// </remarks>
internal interface ITokenFailureClassifier
{
    /// <summary>Classifies a failed answer.</summary>
    /// <param name="failure">The answer, as the shared reader saw it (<see cref="TokenEndpointClient"/>).</param>
    /// <param name="context">What else is known about the connection.</param>
    /// <returns>The status and, for <see cref="TokenStatus.ReauthRequired"/>, the reason; <see cref="ReauthReason.None"/> otherwise.</returns>
    (TokenStatus Status, ReauthReason Reason) Classify(TokenEndpointResponse failure, TokenFailureContext context);
}

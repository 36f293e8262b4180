using OAuth2Capture.Providers.Refresh;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Providers.BuiltIn;

/// <summary>
/// X answers a dead refresh token with <c>invalid_request</c> "Value passed for the token was invalid." rather than
/// <c>invalid_grant</c> (community reports, unconfirmed: X documents no token-endpoint error codes). So an
/// <c>invalid_request</c> about the token is a dead grant; any other keeps its RFC 6749 meaning, a request that is ours to fix.
/// </summary>
internal sealed class TwitterFailureClassifier : ProviderFailureClassifier
{
    private TwitterFailureClassifier()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static TwitterFailureClassifier Instance { get; } = new();

    /// <inheritdoc/>
    protected override (TokenStatus Status, ReauthReason Reason)? ClassifyOwn(TokenEndpointResponse failure, TokenFailureContext context)
        => string.Equals(failure.Error, "invalid_request", StringComparison.OrdinalIgnoreCase) && Rfc6749FailureClassifier.Mentions(failure.ErrorDescription, "token")
            ? (TokenStatus.ReauthRequired, Rfc6749FailureClassifier.DeadGrantReason(failure, context))
            : null;
}

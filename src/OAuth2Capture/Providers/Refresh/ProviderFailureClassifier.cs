using OAuth2Capture.Tokens;

namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// A provider's own error codes on top of the RFC 6749 rules: the provider reads the OAuth errors it knows, and
/// everything else (transport failures, unusable bodies, standard codes) gets <see cref="Rfc6749FailureClassifier"/>.
/// </summary>
internal abstract class ProviderFailureClassifier : ITokenFailureClassifier
{
    /// <inheritdoc/>
    public (TokenStatus Status, ReauthReason Reason) Classify(TokenEndpointResponse failure, TokenFailureContext context)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.FailureKind == TokenEndpointFailureKind.OAuthError && ClassifyOwn(failure, context) is { } own
            ? own
            : Rfc6749FailureClassifier.Instance.Classify(failure, context);
    }

    /// <summary>Reads an OAuth error answer in the provider's own terms.</summary>
    /// <param name="failure">An answer of kind <see cref="TokenEndpointFailureKind.OAuthError"/>.</param>
    /// <param name="context">What else is known about the connection.</param>
    /// <returns>The verdict, or <see langword="null"/> when the answer carries none of the provider's own codes.</returns>
    protected abstract (TokenStatus Status, ReauthReason Reason)? ClassifyOwn(TokenEndpointResponse failure, TokenFailureContext context);
}

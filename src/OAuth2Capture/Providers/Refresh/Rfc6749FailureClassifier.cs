using System.Net;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Providers.Refresh;

/// <summary>
/// The standard meaning of a failed token-endpoint answer, and the classifier of every provider without error codes of
/// its own (generic providers included): the <see href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749 §5.2</see>
/// error codes plus <see href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1</see>'s, the HTTP status,
/// transport failures and unusable bodies. It decides whether a failure is the user's to fix (reconnect), the operator's
/// (configuration) or nobody's (wait and retry); it knows no provider's own codes. See docs/reauth-flows.md, "Detection".
/// </summary>
internal sealed class Rfc6749FailureClassifier : ITokenFailureClassifier
{
    private Rfc6749FailureClassifier()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static Rfc6749FailureClassifier Instance { get; } = new();

    /// <inheritdoc/>
    public (TokenStatus Status, ReauthReason Reason) Classify(TokenEndpointResponse failure, TokenFailureContext context)
    {
        ArgumentNullException.ThrowIfNull(failure);
        switch (failure.FailureKind)
        {
            case TokenEndpointFailureKind.RateLimited:
            case TokenEndpointFailureKind.ServerError:
            case TokenEndpointFailureKind.Timeout:
            case TokenEndpointFailureKind.NetworkError:
            case TokenEndpointFailureKind.CircuitOpen:
                return (TokenStatus.TemporarilyUnavailable, ReauthReason.None);
            case TokenEndpointFailureKind.OversizedResponse:
                // An answer past the bounds (too large, nested too deep) repeats on a retry, so it is not transient, unless
                // it came with a status that says so (a proxy's huge 502 page). Nothing the app's settings caused, so the
                // user reconnects; the error names the provider and the key that raises the bound.
                return failure.HttpStatus is { } status && ((int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
                    ? (TokenStatus.TemporarilyUnavailable, ReauthReason.None)
                    : (TokenStatus.ReauthRequired, ReauthReason.ProviderRejected);
            case TokenEndpointFailureKind.MalformedResponse:
                // An HTML page where a token response belongs, with a non-5xx status, is a wrong endpoint or a login
                // wall: the operator's to fix. A truncated or odd body is treated as transient.
                return failure.Error == "unexpected_html"
                    ? (TokenStatus.ConfigurationError, ReauthReason.None)
                    : (TokenStatus.TemporarilyUnavailable, ReauthReason.None);
        }

        var error = failure.Error?.ToLowerInvariant();
        switch (error)
        {
            case "invalid_grant":
                // With rotation, the interrupted refresh most likely got a new refresh token that was never stored.
                return (TokenStatus.ReauthRequired, context.EarlierRefreshInterrupted ? ReauthReason.RotatedRefreshTokenLost : DeadGrantReason(failure, context));
            case "invalid_token":
                return (TokenStatus.ReauthRequired, DeadGrantReason(failure, context));
            case "invalid_scope":
            case "insufficient_scope":
                return (TokenStatus.ReauthRequired, ReauthReason.InsufficientScope);
            case "access_denied":
                return (TokenStatus.ReauthRequired, ReauthReason.Revoked);
            case "no_refresh_token": // NoRefreshStrategy's own answer
                return (TokenStatus.ReauthRequired, ReauthReason.NoRefreshToken);
            case "invalid_client":
            case "unauthorized_client":
            case "unsupported_grant_type":
            case "invalid_request":
                return (TokenStatus.ConfigurationError, ReauthReason.None);
            case "server_error":
            case "temporarily_unavailable":
                return (TokenStatus.TemporarilyUnavailable, ReauthReason.None);
        }

        return failure.HttpStatus switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
                => (TokenStatus.ConfigurationError, ReauthReason.None),
            { } status when (int)status >= 500 || status == HttpStatusCode.TooManyRequests
                => (TokenStatus.TemporarilyUnavailable, ReauthReason.None),
            _ when error is null => (TokenStatus.ConfigurationError, ReauthReason.None),
            _ => (TokenStatus.ReauthRequired, ReauthReason.ProviderRejected),
        };
    }

    /// <summary>
    /// Why a dead grant (<c>invalid_grant</c>, or a provider's code for the same) died, which the code alone does not say.
    /// Order of evidence: what the provider says (expiry only, inactivity), then the refresh token's known expiry; a
    /// provider that says "expired or revoked" (Google) cannot be told apart (<see cref="ReauthReason.ProviderRejected"/>);
    /// otherwise the grant was within its known lifetime and is no longer honoured, which is a revocation.
    /// </summary>
    /// <param name="failure">The answer.</param>
    /// <param name="context">What else is known about the connection.</param>
    /// <returns>The reason.</returns>
    internal static ReauthReason DeadGrantReason(TokenEndpointResponse failure, TokenFailureContext context)
    {
        var text = failure.ErrorDescription;
        var saysExpired = Mentions(text, "expired") || Mentions(text, "expiry");
        var saysRevoked = Mentions(text, "revoked");
        if (Mentions(text, "inactiv") || Mentions(text, "unused"))
        {
            return ReauthReason.Inactivity;
        }

        if (saysExpired && !saysRevoked)
        {
            return ReauthReason.RefreshTokenExpired;
        }

        if (context.RefreshTokenExpiresAt is { } expiresAt && expiresAt <= context.Now)
        {
            return ReauthReason.RefreshTokenExpired;
        }

        return saysExpired ? ReauthReason.ProviderRejected : ReauthReason.Revoked;
    }

    /// <summary>Whether a provider's text mentions a word, ignoring case.</summary>
    /// <param name="text">The text, if any.</param>
    /// <param name="word">The word.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    internal static bool Mentions(string? text, string word)
        => text is not null && text.Contains(word, StringComparison.OrdinalIgnoreCase);
}

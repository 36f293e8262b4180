namespace OAuth2Capture.Http;

/// <summary>An error answered by OAuth2Capture's endpoints and filters, as problem details or as a page.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Code">The stable code (see <see cref="OAuth2CaptureErrorCodes"/>).</param>
/// <param name="Title">A short, user-facing title.</param>
/// <param name="Detail">A specific, user-facing explanation; never a token, secret or stack trace.</param>
/// <param name="Action">What to do next, in words.</param>
internal sealed record OAuth2CaptureError(int StatusCode, string Code, string Title, string Detail, string Action)
{
    /// <summary>Gets the provider name, when the error concerns one.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the provider's display name, when the error concerns one.</summary>
    public string? ProviderDisplayName { get; init; }

    /// <summary>Gets the re-auth reason, when re-authorization is required.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the URL that (re)connects the provider and comes back, when the user can fix it that way.</summary>
    public string? ReauthUrl { get; init; }

    /// <summary>Gets the link offered to try again or go back, on pages.</summary>
    public string? RetryUrl { get; init; }

    /// <summary>Gets when to retry, for temporary failures.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

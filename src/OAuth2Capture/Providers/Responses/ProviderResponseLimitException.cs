namespace OAuth2Capture.Providers.Responses;

/// <summary>Which bound a provider's answer broke.</summary>
internal enum ProviderResponseLimit
{
    /// <summary>The body is larger than <see cref="ProviderResponseLimits.MaxSize"/>.</summary>
    Size,

    /// <summary>The body did not arrive within <see cref="ProviderResponseLimits.BodyTimeout"/>.</summary>
    Time,
}

/// <summary>
/// Thrown while a provider's body is read when it breaks a bound (<see cref="BoundedResponseContent"/>). Deliberately not
/// an <see cref="IOException"/>: <see cref="HttpContent"/> would wrap that as a network error.
/// </summary>
internal sealed class ProviderResponseLimitException(ProviderResponseLimit limit)
    : Exception(limit == ProviderResponseLimit.Size ? "The provider's answer is larger than allowed." : "The provider's answer did not arrive in time.")
{
    public ProviderResponseLimit Limit { get; } = limit;
}

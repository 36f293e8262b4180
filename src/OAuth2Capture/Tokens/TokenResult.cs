namespace OAuth2Capture.Tokens;

/// <summary>
/// The answer of <see cref="ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/>:
/// either a usable access token or the precise reason there is none.
/// </summary>
public sealed class TokenResult
{
    private TokenResult(TokenStatus status, string provider)
    {
        Status = status;
        Provider = provider;
    }

    /// <summary>Gets what the service found.</summary>
    public TokenStatus Status { get; }

    /// <summary>Gets the provider name (for example <c>github</c>).</summary>
    public string Provider { get; }

    /// <summary>Gets the connection (stored token row) id, when a connection exists.</summary>
    public Guid? ConnectionId { get; private init; }

    /// <summary>Gets the access token when <see cref="Succeeded"/> is <see langword="true"/>.</summary>
    public string? AccessToken { get; private init; }

    /// <summary>Gets the token type (usually <c>Bearer</c>) when <see cref="Succeeded"/>.</summary>
    public string? TokenType { get; private init; }

    /// <summary>Gets when the access token expires, if the provider said so.</summary>
    public DateTimeOffset? ExpiresAt { get; private init; }

    /// <summary>Gets the scopes granted to the token, space separated, when known.</summary>
    public string? Scope { get; private init; }

    /// <summary>Gets why re-authorization is required; <see cref="ReauthReason.None"/> otherwise.</summary>
    public ReauthReason Reason { get; private init; }

    /// <summary>
    /// Gets the scopes an endpoint or an API needed that the grant lacks, for <see cref="ReauthReason.InsufficientScope"/>
    /// (empty when none were named). The reconnect asks for them on top of the scopes the connection holds.
    /// </summary>
    public IReadOnlyList<string> MissingScopes { get; private init; } = [];

    /// <summary>Gets how long to wait before retrying, for <see cref="TokenStatus.TemporarilyUnavailable"/>, when known.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>Gets the provider's error code (for example <c>invalid_grant</c>), when the provider gave one.</summary>
    public string? Error { get; private init; }

    /// <summary>Gets a human-readable description of the failure, safe to log (never contains token values).</summary>
    public string? ErrorDescription { get; private init; }

    /// <summary>
    /// Gets a value indicating whether the refresh was left to another refresher holding the connection's live refresh lease,
    /// without waiting for it (the background sweep's way). Never handed to an app: a caller that waits asks again.
    /// </summary>
    internal bool HeldElsewhere { get; private init; }

    /// <summary>Gets a value indicating whether <see cref="AccessToken"/> can be used (<see cref="TokenStatus.Valid"/> or <see cref="TokenStatus.Refreshed"/>).</summary>
    public bool Succeeded => Status is TokenStatus.Valid or TokenStatus.Refreshed;

    /// <summary>Creates a result for a stored access token that is still good.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="accessToken">The access token.</param>
    /// <param name="tokenType">The token type.</param>
    /// <param name="expiresAt">The access token expiry, if known.</param>
    /// <param name="scope">The granted scopes, if known.</param>
    /// <returns>A <see cref="TokenStatus.Valid"/> result.</returns>
    public static TokenResult Valid(string provider, Guid connectionId, string accessToken, string? tokenType, DateTimeOffset? expiresAt, string? scope)
        => Usable(TokenStatus.Valid, provider, connectionId, accessToken, tokenType, expiresAt, scope);

    /// <summary>Creates a result for an access token that was refreshed just now.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="accessToken">The new access token.</param>
    /// <param name="tokenType">The token type.</param>
    /// <param name="expiresAt">The new access token expiry, if known.</param>
    /// <param name="scope">The granted scopes, if known.</param>
    /// <returns>A <see cref="TokenStatus.Refreshed"/> result.</returns>
    public static TokenResult Refreshed(string provider, Guid connectionId, string accessToken, string? tokenType, DateTimeOffset? expiresAt, string? scope)
        => Usable(TokenStatus.Refreshed, provider, connectionId, accessToken, tokenType, expiresAt, scope);

    /// <summary>Creates a result saying the user has no connection to the provider.</summary>
    /// <param name="provider">The provider name.</param>
    /// <returns>A <see cref="TokenStatus.NotConnected"/> result.</returns>
    public static TokenResult NotConnected(string provider)
        => new(TokenStatus.NotConnected, provider) { ErrorDescription = $"No {provider} connection exists for this user." };

    /// <summary>Creates a result saying only the user can fix the connection, by re-authorizing.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="error">The provider's error code, if any.</param>
    /// <param name="errorDescription">A description safe to log.</param>
    /// <returns>A <see cref="TokenStatus.ReauthRequired"/> result.</returns>
    public static TokenResult ReauthRequired(string provider, Guid connectionId, ReauthReason reason, string? error = null, string? errorDescription = null)
        => new(TokenStatus.ReauthRequired, provider)
        {
            ConnectionId = connectionId,
            Reason = ConnectionRules.ReauthReasonOrRejected(reason),
            Error = error,
            ErrorDescription = errorDescription,
        };

    /// <summary>
    /// Creates a result saying the grant lacks scopes (<see cref="ReauthReason.InsufficientScope"/>): the user reconnects
    /// and consents to them; the connection is not dead and still serves what needs less.
    /// </summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="missingScopes">The scopes that were needed and not granted (empty when the API did not say which).</param>
    /// <param name="errorDescription">A description safe to log.</param>
    /// <returns>A <see cref="TokenStatus.ReauthRequired"/> result.</returns>
    public static TokenResult InsufficientScope(string provider, Guid connectionId, IEnumerable<string> missingScopes, string? errorDescription = null)
    {
        ArgumentNullException.ThrowIfNull(missingScopes);
        return new(TokenStatus.ReauthRequired, provider)
        {
            ConnectionId = connectionId,
            Reason = ReauthReason.InsufficientScope,
            Error = "insufficient_scope",
            ErrorDescription = errorDescription,
            MissingScopes = [.. missingScopes.Distinct(StringComparer.Ordinal)],
        };
    }

    /// <summary>Creates a result saying the provider cannot be used right now.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="connectionId">The connection id, if known.</param>
    /// <param name="retryAfter">When to retry, if known.</param>
    /// <param name="error">The provider's error code, if any.</param>
    /// <param name="errorDescription">A description safe to log.</param>
    /// <returns>A <see cref="TokenStatus.TemporarilyUnavailable"/> result.</returns>
    public static TokenResult TemporarilyUnavailable(string provider, Guid? connectionId, TimeSpan? retryAfter, string? error = null, string? errorDescription = null)
        => new(TokenStatus.TemporarilyUnavailable, provider)
        {
            ConnectionId = connectionId,
            RetryAfter = retryAfter,
            Error = error,
            ErrorDescription = errorDescription,
        };

    /// <summary>Creates a result saying the provider rejected the app's own credentials or settings.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="connectionId">The connection id, if known.</param>
    /// <param name="error">The provider's error code, if any.</param>
    /// <param name="errorDescription">A description for the operator, safe to log.</param>
    /// <returns>A <see cref="TokenStatus.ConfigurationError"/> result.</returns>
    public static TokenResult ConfigurationError(string provider, Guid? connectionId, string? error, string? errorDescription)
        => new(TokenStatus.ConfigurationError, provider)
        {
            ConnectionId = connectionId,
            Error = error,
            ErrorDescription = errorDescription,
        };

    /// <summary>
    /// The connection store could not be reached (<c>Storage/StoreFailure.cs</c>): <see cref="TokenStatus.TemporarilyUnavailable"/>
    /// with <see cref="Error"/> <c>store_unavailable</c>, so an app can tell this from an unavailable provider.
    /// </summary>
    internal static TokenResult StoreUnavailable(string provider, Guid? connectionId, Exception failure)
        => TemporarilyUnavailable(provider, connectionId, Storage.StoreFailure.RetryAfter, Storage.StoreFailure.ErrorCode,
            $"The connection store (the app's database) could not be reached ({failure.GetBaseException().Message}); nothing was changed. Retry shortly; the connection itself is not affected.");

    /// <summary>The refresh lease is held by another refresher and the caller chose not to wait (<see cref="HeldElsewhere"/>).</summary>
    internal static TokenResult RefreshHeldElsewhere(string provider, Guid connectionId, TimeSpan? retryAfter, string errorDescription)
        => new(TokenStatus.TemporarilyUnavailable, provider)
        {
            ConnectionId = connectionId,
            RetryAfter = retryAfter,
            Error = "refresh_in_progress",
            ErrorDescription = errorDescription,
            HeldElsewhere = true,
        };

    /// <inheritdoc/>
    public override string ToString()
        => Reason == ReauthReason.None ? $"{Provider}: {Status}" : $"{Provider}: {Status} ({Reason})";

    private static TokenResult Usable(TokenStatus status, string provider, Guid connectionId, string accessToken, string? tokenType, DateTimeOffset? expiresAt, string? scope)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        return new(status, provider)
        {
            ConnectionId = connectionId,
            AccessToken = accessToken,
            TokenType = tokenType ?? "Bearer",
            ExpiresAt = expiresAt,
            Scope = scope,
        };
    }
}

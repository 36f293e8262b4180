using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using OAuth2Capture.DevProvider.Internal;

namespace OAuth2Capture.DevProvider;

/// <summary>
/// Fault switches of a dev provider. Every member is thread-safe and may be used while requests run.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The hang-release sources hold no timer; they are left undisposed because a hanging request may be linking to one.")]
public sealed class DevProviderFaults
{
    private readonly Lock _gate = new();
    private readonly Queue<PendingTokenFault> _pending = new();
    private readonly Queue<(DevApiFault Fault, TimeSpan? RetryAfter)> _pendingApi = new();
    private readonly Dictionary<string, Queue<(DevApiFault Fault, TimeSpan? RetryAfter)>> _pendingApiByUser = new(StringComparer.Ordinal);
    private readonly DevProviderTokenOperations _tokens;
    private readonly DevProviderOptions _options;
    private readonly ConcurrentDictionary<string, string> _displayNames = new(StringComparer.Ordinal);
    private CancellationTokenSource _hangRelease = new();
    private TimeSpan _accessTokenLifetime;
    private TimeSpan _refreshTokenLifetime;
    private volatile bool _rejectClientSecret;

    internal DevProviderFaults(DevProviderTokenOperations tokens, DevProviderOptions options)
    {
        _tokens = tokens;
        _options = options;
        _accessTokenLifetime = options.AccessTokenLifetime;
        _refreshTokenLifetime = options.RefreshTokenLifetime;
    }

    /// <summary>
    /// Gets or sets a value indicating whether every token request is answered HTTP 401
    /// <c>{"error":"invalid_client","error_description":"Client authentication failed."}</c> while set.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool RejectClientSecret
    {
        get => _rejectClientSecret;
        set => _rejectClientSecret = value;
    }

    /// <summary>Gets the number of queued one-shot token faults not yet used.</summary>
    public int PendingTokenFaults
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Gets the lifetime given to access tokens issued from now on.</summary>
    public TimeSpan AccessTokenLifetime
    {
        get
        {
            lock (_gate)
            {
                return _accessTokenLifetime;
            }
        }
    }

    /// <summary>Gets the lifetime given to refresh tokens issued from now on.</summary>
    public TimeSpan RefreshTokenLifetime
    {
        get
        {
            lock (_gate)
            {
                return _refreshTokenLifetime;
            }
        }
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> token requests fail with <paramref name="fault"/>, after any faults
    /// already queued. Each faulted request is answered by the fault alone; the requests after them are served normally.
    /// </summary>
    /// <param name="fault">The answer to give.</param>
    /// <param name="count">How many requests to fail.</param>
    /// <param name="retryAfter">
    /// The <c>Retry-After</c> delay (whole seconds) for <see cref="DevTokenFault.TooManyRequests"/> (default 1 s) and
    /// <see cref="DevTokenFault.ServiceUnavailable"/> (no header unless given); ignored by the other faults.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive, <paramref name="retryAfter"/> is negative or <paramref name="fault"/> is unknown.</exception>
    public void FailNextTokenRequests(DevTokenFault fault, int count = 1, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!Enum.IsDefined(fault))
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown token fault.");
        }

        if (retryAfter is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(retryAfter));
        }

        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _pending.Enqueue(new PendingTokenFault(fault, retryAfter));
            }
        }
    }

    /// <summary>Gets the number of queued one-shot API faults not yet used, for any call or for one user.</summary>
    public int PendingApiFaults
    {
        get
        {
            lock (_gate)
            {
                return _pendingApi.Count + _pendingApiByUser.Values.Sum(queue => queue.Count);
            }
        }
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> calls of the protected API (<c>api/…</c>) answer <paramref name="fault"/>,
    /// after any API faults already queued, whatever their token; the calls after them are served normally.
    /// </summary>
    /// <param name="fault">The answer to give.</param>
    /// <param name="count">How many calls to fail.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> delay (whole seconds) of <see cref="DevApiFault.TooManyRequests"/> (default 1 s) and <see cref="DevApiFault.ServiceUnavailable"/> (no header unless given).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive, <paramref name="retryAfter"/> is negative or <paramref name="fault"/> is unknown.</exception>
    public void FailNextApiCalls(DevApiFault fault, int count = 1, TimeSpan? retryAfter = null)
    {
        ValidateApiFault(fault, count, retryAfter);
        lock (_gate)
        {
            Enqueue(_pendingApi, fault, count, retryAfter);
        }
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> calls of the protected API made with a valid access token of
    /// <paramref name="subject"/> answer <paramref name="fault"/>; other users' calls, and calls whose token fails its
    /// check, are not touched. Faults queued with <see cref="FailNextApiCalls(DevApiFault, int, TimeSpan?)"/> answer first.
    /// </summary>
    /// <param name="subject">The user (<c>sub</c>) whose calls fail.</param>
    /// <param name="fault">The answer to give.</param>
    /// <param name="count">How many calls to fail.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> delay, as for <see cref="FailNextApiCalls(DevApiFault, int, TimeSpan?)"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="subject"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive, <paramref name="retryAfter"/> is negative or <paramref name="fault"/> is unknown.</exception>
    public void FailNextApiCalls(string subject, DevApiFault fault, int count = 1, TimeSpan? retryAfter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ValidateApiFault(fault, count, retryAfter);
        lock (_gate)
        {
            if (!_pendingApiByUser.TryGetValue(subject, out var queue))
            {
                queue = new Queue<(DevApiFault Fault, TimeSpan? RetryAfter)>();
                _pendingApiByUser[subject] = queue;
            }

            Enqueue(queue, fault, count, retryAfter);
        }
    }

    /// <summary>Gets the number of API faults queued for <paramref name="subject"/> not yet used.</summary>
    /// <param name="subject">The user (<c>sub</c>).</param>
    /// <returns>The number of faults queued with <see cref="FailNextApiCalls(string, DevApiFault, int, TimeSpan?)"/>.</returns>
    public int PendingApiFaultsOf(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        lock (_gate)
        {
            return _pendingApiByUser.TryGetValue(subject, out var queue) ? queue.Count : 0;
        }
    }

    /// <summary>Takes the next API fault queued for any call (<paramref name="subject"/> null) or for one user, if any.</summary>
    internal bool TryTakeApiFault(string? subject, out DevApiFault fault, out TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            var queue = subject is null ? _pendingApi : _pendingApiByUser.GetValueOrDefault(subject);
            if (queue is not null && queue.TryDequeue(out var next))
            {
                (fault, retryAfter) = next;
                return true;
            }
        }

        (fault, retryAfter) = (default, null);
        return false;
    }

    private static void ValidateApiFault(DevApiFault fault, int count, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!Enum.IsDefined(fault))
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown API fault.");
        }

        if (retryAfter is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(retryAfter));
        }
    }

    private static void Enqueue(Queue<(DevApiFault Fault, TimeSpan? RetryAfter)> queue, DevApiFault fault, int count, TimeSpan? retryAfter)
    {
        for (var i = 0; i < count; i++)
        {
            queue.Enqueue((fault, retryAfter));
        }
    }

    /// <summary>
    /// Changes the lifetimes of tokens issued from now on (authorization-code and refresh grants alike); tokens already
    /// issued keep theirs.
    /// </summary>
    /// <param name="accessToken">The new access-token lifetime; <see langword="null"/> restores <see cref="DevProviderOptions.AccessTokenLifetime"/>.</param>
    /// <param name="refreshToken">The new refresh-token lifetime; <see langword="null"/> restores <see cref="DevProviderOptions.RefreshTokenLifetime"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A lifetime is zero or negative.</exception>
    public void SetLifetimes(TimeSpan? accessToken, TimeSpan? refreshToken)
    {
        if (accessToken is { } access)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(access, TimeSpan.Zero, nameof(accessToken));
        }

        if (refreshToken is { } refresh)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refresh, TimeSpan.Zero, nameof(refreshToken));
        }

        lock (_gate)
        {
            _accessTokenLifetime = accessToken ?? _options.AccessTokenLifetime;
            _refreshTokenLifetime = refreshToken ?? _options.RefreshTokenLifetime;
        }
    }

    /// <summary>
    /// Expires every valid refresh token of <paramref name="subject"/> now: from then on a refresh_token grant presenting
    /// one of them is answered HTTP 400
    /// <c>{"error":"invalid_grant","error_description":"The specified refresh token has expired."}</c>, and introspection
    /// reports it inactive. Other users' tokens, and tokens issued to the subject later, are not affected.
    /// </summary>
    /// <param name="subject">The user's subject (user name), e.g. <c>alice</c>.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of refresh tokens expired.</returns>
    public Task<int> ExpireRefreshTokensAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return _tokens.ExpireAsync(subject, clientId: null, DevProviderTokenKind.RefreshToken, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="ExpireRefreshTokensAsync(string, CancellationToken)"/>, limited to the tokens issued to one client: expires every valid refresh token
    /// of <paramref name="subject"/> issued to <paramref name="clientId"/>; the user's grants to other clients keep working.
    /// </summary>
    /// <param name="subject">The user's subject (user name).</param>
    /// <param name="clientId">The client whose tokens are affected; an unknown client id affects nothing.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of tokens affected.</returns>
    public Task<int> ExpireRefreshTokensAsync(string subject, string clientId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return _tokens.ExpireAsync(subject, clientId, DevProviderTokenKind.RefreshToken, cancellationToken);
    }

    /// <summary>
    /// Invalidates every valid access token of <paramref name="subject"/> (their stored entries are revoked): the
    /// user-info endpoint rejects them with <c>invalid_token</c> and introspection reports them inactive.
    /// </summary>
    /// <param name="subject">The user's subject (user name).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of access tokens invalidated.</returns>
    public Task<int> ExpireAccessTokensAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return _tokens.RevokeAsync(subject, clientId: null, DevProviderTokenKind.AccessToken, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="ExpireAccessTokensAsync(string, CancellationToken)"/>, limited to the tokens issued to one client: invalidates every valid access token
    /// of <paramref name="subject"/> issued to <paramref name="clientId"/>; the user's grants to other clients keep working.
    /// </summary>
    /// <param name="subject">The user's subject (user name).</param>
    /// <param name="clientId">The client whose tokens are affected; an unknown client id affects nothing.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of tokens affected.</returns>
    public Task<int> ExpireAccessTokensAsync(string subject, string clientId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return _tokens.RevokeAsync(subject, clientId, DevProviderTokenKind.AccessToken, cancellationToken);
    }

    /// <summary>
    /// Revokes the user's grant: every token and authorization of <paramref name="subject"/> is revoked through
    /// OpenIddict's managers, so the next refresh gets OpenIddict's own <c>invalid_grant</c> answer.
    /// </summary>
    /// <param name="subject">The user's subject (user name).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of tokens revoked.</returns>
    public Task<int> RevokeGrantAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return _tokens.RevokeAsync(subject, clientId: null, DevProviderTokenKind.All, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="RevokeGrantAsync(string, CancellationToken)"/>, limited to the tokens issued to one client: revokes every token and authorization
    /// of <paramref name="subject"/> issued to <paramref name="clientId"/>; the user's grants to other clients keep working.
    /// </summary>
    /// <param name="subject">The user's subject (user name).</param>
    /// <param name="clientId">The client whose tokens are affected; an unknown client id affects nothing.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The number of tokens affected.</returns>
    public Task<int> RevokeGrantAsync(string subject, string clientId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return _tokens.RevokeAsync(subject, clientId, DevProviderTokenKind.All, cancellationToken);
    }

    /// <summary>
    /// Makes the user-info endpoint answer <paramref name="displayName"/> as the <c>name</c> of <paramref name="subject"/>,
    /// for example a name longer than an app's column, or one with emoji and combining marks; the subject stays as it is.
    /// </summary>
    /// <param name="subject">The user's subject (user name).</param>
    /// <param name="displayName">The name to answer; <see langword="null"/> restores the default (<c>Alice Example</c> for <c>alice</c>).</param>
    public void SetDisplayName(string subject, string? displayName)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (displayName is null)
        {
            _displayNames.TryRemove(subject, out _);
        }
        else
        {
            _displayNames[subject] = displayName;
        }
    }

    /// <summary>
    /// Clears queued token and API faults (per user too), <see cref="RejectClientSecret"/> and names set with <see cref="SetDisplayName"/>, restores the configured lifetimes and releases
    /// requests hanging on <see cref="DevTokenFault.Hang"/> (their connections are aborted). Expired or revoked tokens stay so.
    /// </summary>
    public void Reset()
    {
        CancellationTokenSource released;
        lock (_gate)
        {
            _pending.Clear();
            _pendingApi.Clear();
            _pendingApiByUser.Clear();
            _rejectClientSecret = false;
            _displayNames.Clear();
            _accessTokenLifetime = _options.AccessTokenLifetime;
            _refreshTokenLifetime = _options.RefreshTokenLifetime;
            released = _hangRelease;
            _hangRelease = new CancellationTokenSource();
        }

        // The old source is not disposed: a request may be linking to its token right now.
        released.Cancel();
    }

    /// <summary>The name set for a subject with <see cref="SetDisplayName"/>, if any.</summary>
    internal string? DisplayNameOf(string subject) => _displayNames.TryGetValue(subject, out var name) ? name : null;

    /// <summary>
    /// Takes the next queued fault together with the token that <see cref="Reset"/> cancels to release a hang, in one step:
    /// a reset that comes after the fault was taken always releases the request it faulted.
    /// </summary>
    internal bool TryTakeTokenFault(out PendingTokenFault fault, out CancellationToken hangRelease)
    {
        lock (_gate)
        {
            hangRelease = _hangRelease.Token;
            return _pending.TryDequeue(out fault);
        }
    }
}

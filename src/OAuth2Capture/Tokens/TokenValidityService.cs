using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OAuth2Capture.Diagnostics;
using OAuth2Capture.Providers;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tokens;

/// <summary>
/// The default <see cref="ITokenValidityService"/>: answers from the store when it can (a valid token, or a connection
/// already known to need re-auth), and otherwise runs one refresh per connection however many callers ask at once.
/// Concurrent callers for the same token share one store read (<see cref="ReadFlights{TKey}"/>), and with
/// <see cref="OAuth2CaptureOptions.TokenCacheDuration"/> set a usable token is answered from memory (<see cref="TokenCache"/>).
/// </summary>
/// <remarks>
/// The store and everything built on it are scoped (a <c>DbContext</c> per scope), so they are taken from the caller's
/// scope (<c>scopedServices</c>) only when this caller does store work: when it leads a read flight, or in the methods that always read. A caller
/// that joins a flight another caller leads waits for that flight's outcome and never builds a context; in a storm of
/// 10,000 requests for one expired token that was most of each request's cost (see <c>docs/performance.md</c>).
/// </remarks>
internal sealed class TokenValidityService(
    IServiceProvider scopedServices,
    TokenSecrets secrets,
    IOAuthProviderCatalog catalog,
    RefreshFlights coordinator,
    RejectionFlights rejections,
    ReadFlights<(string OwnerId, string Provider)> latestReads,
    ReadFlights<Guid> connectionReads,
    TokenCache cache,
    IServiceScopeFactory scopeFactory,
    ProviderTokenValidator validator,
    TimeProvider time,
    IOptionsMonitor<OAuth2CaptureOptions> options) : ITokenValidityService
{
    /// <summary>How many flights a waiting caller runs or joins before answering what the last one found.</summary>
    private const int MaxFlightAttempts = 3;

    private ITokenStore? store;
    private UnreadableSecretsAnswer? unreadableSecrets;

    /// <summary>Gets the scope's store, resolved at the first store work of this caller (see the remarks).</summary>
    private ITokenStore Store => store ??= scopedServices.GetRequiredService<ITokenStore>();

    private UnreadableSecretsAnswer UnreadableSecrets => unreadableSecrets ??= scopedServices.GetRequiredService<UnreadableSecretsAnswer>();

    public async Task<TokenResult> GetValidTokenAsync(string ownerId, string provider, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        if (!catalog.TryGet(provider, out var configured))
        {
            return UnknownProvider(provider);
        }

        if (cache.TryGet(ownerId, configured.Name, out var cached))
        {
            return cached;
        }

        try
        {
            var (result, joined) = await latestReads.RunAsync(
                (ownerId, configured.Name), (Service: this, OwnerId: ownerId, Provider: configured),
                static (state, token) => state.Service.ReadLatestAsync(state.OwnerId, state.Provider, token), cancellationToken).ConfigureAwait(false);
            CountJoin(joined, configured.Name);
            return result;
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, cancellationToken))
        {
            // Documented never to throw for a passing failure: a store outage is one, like a provider outage.
            return TokenResult.StoreUnavailable(configured.Name, connectionId: null, exception);
        }
    }

    public async Task<TokenResult> GetValidTokenAsync(Guid connectionId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGet(connectionId, out var cached))
        {
            return cached;
        }

        try
        {
            var (result, joined) = await connectionReads.RunAsync(
                connectionId, (Service: this, ConnectionId: connectionId),
                static (state, token) => state.Service.ReadConnectionAsync(state.ConnectionId, token), cancellationToken).ConfigureAwait(false);
            CountJoin(joined, result.Provider);
            return result;
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, cancellationToken))
        {
            return TokenResult.StoreUnavailable(string.Empty, connectionId, exception);
        }
    }

    public async Task<TokenResult> GetRequiredTokenAsync(string ownerId, string provider, CancellationToken cancellationToken = default)
    {
        var result = await GetValidTokenAsync(ownerId, provider, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : throw OAuthTokenException.FromResult(result, ownerId);
    }

    public async Task<TokenResult> ReportRejectedAccessTokenAsync(Guid connectionId, string accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        try
        {
            var (result, _) = await rejections.RunAsync(
                (connectionId, accessToken), (ScopeFactory: scopeFactory, ConnectionId: connectionId, AccessToken: accessToken),
                static async (state, token) =>
                {
                    var scope = state.ScopeFactory.CreateAsyncScope();
                    await using (scope.ConfigureAwait(false))
                    {
                        return await scope.ServiceProvider.GetRequiredService<AccessTokenRejection>().DecideAsync(state.ConnectionId, state.AccessToken, token).ConfigureAwait(false);
                    }
                }, cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, cancellationToken))
        {
            return TokenResult.StoreUnavailable(string.Empty, connectionId, exception);
        }
    }

    public async Task<TokenValidation> ValidateWithProviderAsync(Guid connectionId, CancellationToken cancellationToken = default)
    {
        OAuthToken? row;
        try
        {
            row = await Store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, cancellationToken))
        {
            return new TokenValidation(connectionId, TokenValidationState.Unknown, time.GetUtcNow(), "none",
                TokenResult.StoreUnavailable(string.Empty, connectionId, exception).ErrorDescription);
        }

        if (row is null || !catalog.TryGet(row.Provider, out var configured))
        {
            return new TokenValidation(connectionId, TokenValidationState.Unknown, time.GetUtcNow(), "none", "No such connection or provider.");
        }

        return await validator.ValidateAsync(configured, row, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ExpiringConnection>> GetExpiringConnectionsAsync(string ownerId, TimeSpan? window = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        var now = time.GetUtcNow();
        var lookAhead = window ?? options.CurrentValue.ExpiringSoonWindow;

        // The store narrows the rows down; which of them end soon is the connection rules' call.
        IReadOnlyList<OAuthToken> candidates;
        try
        {
            candidates = await Store.ListExpiringAsync(ownerId, now + lookAhead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (StoreFailure.IsUnavailable(exception, cancellationToken))
        {
            // An empty list would tell a dashboard "nothing expires"; the outage is the same typed failure as GetRequiredTokenAsync's.
            throw new TokenRefreshException(TokenResult.StoreUnavailable(string.Empty, connectionId: null, exception));
        }

        return candidates
            .Select(row => (Row: row, Strategy: ConnectionRules.StrategyFor(catalog, row.Provider)))
            .Where(candidate => ConnectionRules.ExpiresSoon(candidate.Row, candidate.Strategy, now, lookAhead))
            .Select(candidate => new ExpiringConnection(candidate.Row.Id, candidate.Row.Provider, candidate.Row.DisplayName,
                ConnectionRules.GrantEndsAt(candidate.Row, candidate.Strategy)!.Value))
            .OrderBy(connection => connection.ExpiresAt)
            .ToList();
    }

    /// <summary>
    /// The background refresher's entry: like <see cref="GetValidTokenAsync(Guid, CancellationToken)"/> (same single flight,
    /// same classification and bookkeeping), but also renews a connection that <paramref name="ahead"/> says is due, and
    /// starts from the row the sweep already read (the refresher re-reads it inside the flight, so a stale row costs nothing).
    /// Unless <see cref="RefreshAhead.WaitForHeldLease"/>, a refresh already running here or a live lease held by another
    /// instance answers at once with <see cref="TokenResult.HeldElsewhere"/>.
    /// </summary>
    internal async Task<TokenResult> RefreshAheadAsync(OAuthToken row, RefreshAhead ahead, CancellationToken cancellationToken)
        => catalog.TryGet(row.Provider, out var configured)
            ? await EvaluateAsync(configured, row, cancellationToken, ahead).ConfigureAwait(false)
            : UnknownProvider(row.Provider);

    private async Task<TokenResult> EvaluateAsync(OAuthProvider provider, OAuthToken row, CancellationToken cancellationToken, RefreshAhead? ahead = null)
    {
        if (UnreadableSecretsAnswer.IsKnownUnreadable(row, secrets))
        {
            return await UnreadableSecrets.AnswerAsync(provider, row, failure: null, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await EvaluateReadableAsync(provider, row, ahead, cancellationToken).ConfigureAwait(false);
        }
        catch (UnreadableSecretsException failure)
        {
            // Wherever the decrypt failed (here or in the refresher), one answer: see UnreadableSecretsAnswer.
            return await UnreadableSecrets.AnswerAsync(provider, row, failure, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TokenResult> EvaluateReadableAsync(OAuthProvider provider, OAuthToken row, RefreshAhead? ahead, CancellationToken cancellationToken)
    {
        if (row.Status == ConnectionHealth.ReauthRequired)
        {
            // Known dead: answer from the store, never call the provider again until the user reconnects.
            return RefreshOutcomeWriter.FromStoredReauth(row);
        }

        if (ConnectionRules.IsUsableAsIs(row, time.GetUtcNow(), options.CurrentValue.RefreshSkew, ahead))
        {
            return TokenResult.Valid(row.Provider, row.Id, secrets.ReadAccessToken(row), row.TokenType, row.AccessTokenExpiresAt, row.Scope);
        }

        var waits = ahead?.WaitForHeldLease != false;
        if (!waits && coordinator.IsRunning(row.Id))
        {
            return TokenResult.RefreshHeldElsewhere(provider.Name, row.Id, retryAfter: null,
                $"A refresh of this {provider.DisplayName} connection is already running in this instance.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var started = time.GetTimestamp();
            var (result, joined) = await coordinator.RunAsync(
                row.Id, (Service: this, Provider: provider, ConnectionId: row.Id, Ahead: ahead),
                static (state, token) => state.Service.RefreshInOwnScopeAsync(state.Provider, state.ConnectionId, state.Ahead, token), cancellationToken).ConfigureAwait(false);
            if (joined)
            {
                OAuth2CaptureDiagnostics.SingleFlightJoins.Add(1, new KeyValuePair<string, object?>("provider", provider.Name), new KeyValuePair<string, object?>("stage", "refresh"));
                OAuth2CaptureInstruments.SingleFlightWait.Record(time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("provider", provider.Name));
            }

            // A caller that waits may have joined a sweep's flight, which did not wait for a lease held by another instance:
            // that flight is over now, so ask again (this time the flight waits).
            if (!result.HeldElsewhere || !waits || attempt == MaxFlightAttempts)
            {
                return result;
            }
        }
    }

    private async ValueTask<TokenResult> ReadConnectionAsync(Guid connectionId, CancellationToken cancellationToken)
    {
        // The stamp comes before the read: a write committed meanwhile outranks what this read saw (see TokenCache).
        var stamp = cache.BeginRead();
        var row = await Store.FindByIdAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return TokenResult.NotConnected(string.Empty);
        }

        if (!catalog.TryGet(row.Provider, out var configured))
        {
            return UnknownProvider(row.Provider);
        }

        var result = await EvaluateAsync(configured, row, cancellationToken).ConfigureAwait(false);
        cache.AddConnection(result, stamp);
        return result;
    }

    private async ValueTask<TokenResult> ReadLatestAsync(string ownerId, OAuthProvider provider, CancellationToken cancellationToken)
    {
        var stamp = cache.BeginRead();
        var row = await Store.FindLatestAsync(ownerId, provider.Name, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return TokenResult.NotConnected(provider.Name);
        }

        var result = await EvaluateAsync(provider, row, cancellationToken).ConfigureAwait(false);
        cache.AddLatest(ownerId, result, stamp);
        return result;
    }

    private static void CountJoin(bool joined, string provider)
    {
        if (joined)
        {
            OAuth2CaptureDiagnostics.SingleFlightJoins.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("stage", "read"));
        }
    }

    private async ValueTask<TokenResult> RefreshInOwnScopeAsync(OAuthProvider provider, Guid connectionId, RefreshAhead? ahead, CancellationToken cancellationToken)
    {
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var refresher = scope.ServiceProvider.GetRequiredService<TokenRefresher>();
            return await refresher.RefreshAsync(provider, connectionId, cancellationToken, ahead).ConfigureAwait(false);
        }
    }

    private static TokenResult UnknownProvider(string provider)
        => TokenResult.ConfigurationError(provider, null, "unknown_provider",
            $"The provider '{provider}' is not configured (add OAuth2Capture:Providers:{provider}).");
}

using OAuth2Capture.DevProvider.Internal;

namespace OAuth2Capture.DevProvider;

/// <summary>
/// Thread-safe counters of the requests a dev provider has received. Requests are counted on arrival,
/// before any fault switch answers them.
/// </summary>
public sealed class DevProviderStats
{
    private long _tokenRequests;
    private long _refreshRequests;
    private long _authorizationRequests;
    private long _revocationRequests;
    private long _withheldTokenAnswers;
    private long _apiRequests;
    private long _apiRequestsServed;
    private long _apiRequestsRejected;
    private long _apiRequestsFaulted;

    internal DevProviderStats()
    {
    }

    /// <summary>Gets the number of requests to the token endpoint, whatever their grant type or outcome.</summary>
    public long TokenRequests => Interlocked.Read(ref _tokenRequests);

    /// <summary>Gets the number of token-endpoint requests with <c>grant_type=refresh_token</c>.</summary>
    public long RefreshRequests => Interlocked.Read(ref _refreshRequests);

    /// <summary>Gets the number of authorization requests (consent-page decisions posted back are not counted again).</summary>
    public long AuthorizationRequests => Interlocked.Read(ref _authorizationRequests);

    /// <summary>Gets the number of requests to the revocation endpoint.</summary>
    public long RevocationRequests => Interlocked.Read(ref _revocationRequests);

    /// <summary>
    /// Gets the number of token requests served for real whose answer was withheld (<see cref="DevTokenFault.HangAfterIssuing"/>),
    /// counted once the grant was processed (for a refresh: once the refresh token was rotated).
    /// </summary>
    public long WithheldTokenAnswers => Interlocked.Read(ref _withheldTokenAnswers);

    /// <summary>Gets the number of calls of the protected API (<c>api/…</c>), served or faulted.</summary>
    public long ApiRequests => Interlocked.Read(ref _apiRequests);

    /// <summary>Gets the number of API calls whose token (and scope) passed and that were served (a bad request body included).</summary>
    public long ApiRequestsServed => Interlocked.Read(ref _apiRequestsServed);

    /// <summary>Gets the number of API calls refused by the real checks: 401 <c>invalid_token</c> or 403 <c>insufficient_scope</c>.</summary>
    public long ApiRequestsRejected => Interlocked.Read(ref _apiRequestsRejected);

    /// <summary>Gets the number of API calls answered by a queued fault switch (<see cref="DevApiFault"/>).</summary>
    public long ApiRequestsFaulted => Interlocked.Read(ref _apiRequestsFaulted);

    /// <summary>Sets every counter back to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _tokenRequests, 0);
        Interlocked.Exchange(ref _refreshRequests, 0);
        Interlocked.Exchange(ref _authorizationRequests, 0);
        Interlocked.Exchange(ref _revocationRequests, 0);
        Interlocked.Exchange(ref _withheldTokenAnswers, 0);
        Interlocked.Exchange(ref _apiRequests, 0);
        Interlocked.Exchange(ref _apiRequestsServed, 0);
        Interlocked.Exchange(ref _apiRequestsRejected, 0);
        Interlocked.Exchange(ref _apiRequestsFaulted, 0);
    }

    internal void RecordTokenRequest(bool isRefresh)
    {
        Interlocked.Increment(ref _tokenRequests);
        if (isRefresh)
        {
            Interlocked.Increment(ref _refreshRequests);
        }
    }

    internal void RecordAuthorizationRequest() => Interlocked.Increment(ref _authorizationRequests);

    internal void RecordRevocationRequest() => Interlocked.Increment(ref _revocationRequests);

    internal void RecordWithheldTokenAnswer() => Interlocked.Increment(ref _withheldTokenAnswers);

    internal void RecordApiRequest(DevApiOutcome outcome)
    {
        Interlocked.Increment(ref _apiRequests);
        if (outcome == DevApiOutcome.Served)
        {
            Interlocked.Increment(ref _apiRequestsServed);
        }
        else if (outcome == DevApiOutcome.Rejected)
        {
            Interlocked.Increment(ref _apiRequestsRejected);
        }
        else
        {
            Interlocked.Increment(ref _apiRequestsFaulted);
        }
    }
}

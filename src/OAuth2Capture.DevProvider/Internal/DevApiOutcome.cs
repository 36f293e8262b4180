namespace OAuth2Capture.DevProvider.Internal;

/// <summary>How the protected API answered one call, for <see cref="DevProviderStats"/>.</summary>
internal enum DevApiOutcome
{
    Served,
    Rejected,
    Faulted,
}

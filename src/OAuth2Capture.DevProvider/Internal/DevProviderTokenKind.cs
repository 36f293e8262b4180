namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Which stored tokens of a subject an operation touches.</summary>
internal enum DevProviderTokenKind
{
    All,
    AccessToken,
    RefreshToken,
}

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Endpoint paths, relative to the provider's base (path base included when embedded).</summary>
internal static class DevProviderPaths
{
    public const string Authorization = "connect/authorize";
    public const string Token = "connect/token";
    public const string Revocation = "connect/revoke";
    public const string Introspection = "connect/introspect";
    public const string UserInfo = "connect/userinfo";
    public const string Control = "dev";
    public const string Api = "api";
}

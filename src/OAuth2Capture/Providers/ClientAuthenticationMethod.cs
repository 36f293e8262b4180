namespace OAuth2Capture.Providers;

/// <summary>How the app authenticates itself at a provider's token endpoint (<see href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</see>).</summary>
public enum ClientAuthenticationMethod
{
    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body (<c>client_secret_post</c>).</summary>
    RequestBody,

    /// <summary>HTTP Basic <c>Authorization</c> header with the URL-encoded id and secret (<c>client_secret_basic</c>).</summary>
    BasicHeader,
}

using Microsoft.AspNetCore.Authentication.OAuth;

namespace OAuth2Capture.Http.ConnectFlow;

/// <summary>The framework's OAuth options plus what the connect flow needs to know about the provider.</summary>
internal sealed class OAuth2CaptureOAuthOptions : OAuthOptions
{
    /// <summary>Gets or sets the provider name.</summary>
    public string ProviderName { get; set; } = string.Empty;

    /// <summary>Gets or sets the scope separator of the authorize request.</summary>
    public string ScopeSeparator { get; set; } = " ";
}

using Microsoft.AspNetCore.Http;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Reauth;

/// <summary>What <see cref="IReauthMessageProvider"/> words a message about: one provider connection's situation.</summary>
public sealed class ReauthMessageContext
{
    /// <summary>Initializes a new instance of the <see cref="ReauthMessageContext"/> class.</summary>
    /// <param name="httpContext">The current request (for culture or user details), when there is one.</param>
    /// <param name="provider">The provider name, for example <c>github</c>.</param>
    /// <param name="providerDisplayName">The name shown to users, for example <c>GitHub</c>.</param>
    /// <param name="status">What the token service found.</param>
    /// <param name="reason">Why re-authorization is required, for <see cref="TokenStatus.ReauthRequired"/>.</param>
    public ReauthMessageContext(HttpContext? httpContext, string provider, string providerDisplayName, TokenStatus status, ReauthReason reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(providerDisplayName);
        HttpContext = httpContext;
        Provider = provider;
        ProviderDisplayName = providerDisplayName;
        Status = status;
        Reason = reason;
    }

    /// <summary>Gets the current request, when there is one.</summary>
    public HttpContext? HttpContext { get; }

    /// <summary>Gets the provider name (for example <c>github</c>).</summary>
    public string Provider { get; }

    /// <summary>Gets the provider's name as shown to users (for example <c>GitHub</c>).</summary>
    public string ProviderDisplayName { get; }

    /// <summary>Gets what the token service found.</summary>
    public TokenStatus Status { get; }

    /// <summary>Gets why re-authorization is required; <see cref="ReauthReason.None"/> unless <see cref="Status"/> is <see cref="TokenStatus.ReauthRequired"/>.</summary>
    public ReauthReason Reason { get; }
}

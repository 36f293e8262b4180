using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Http;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Components;

/// <summary>
/// The signed-in user's connections for Blazor components, where an interactive circuit has no request per event: the
/// user comes from <see cref="AuthenticationStateProvider"/>, reconnect URLs come back to the current page, and a reconnect
/// is a full page load (the connect flow is a server round trip through the provider, which no circuit can carry).
/// Scoped: one per circuit, or per request when prerendering.
/// </summary>
/// <param name="services">The scope's services (the Blazor ones are resolved when first asked, so an app without Blazor can register the library).</param>
public sealed class OAuthCircuitConnections(IServiceProvider services)
{
    /// <summary>Gets the app's id of the signed-in user, or <see langword="null"/> when nobody is signed in.</summary>
    /// <returns>The owner id.</returns>
    /// <exception cref="InvalidOperationException">The app registers no <see cref="AuthenticationStateProvider"/> (for example no <c>AddRazorComponents</c>).</exception>
    public async Task<string?> GetOwnerIdAsync()
    {
        var authentication = services.GetService<AuthenticationStateProvider>()
            ?? throw new InvalidOperationException(
                "OAuthCircuitConnections needs Blazor's AuthenticationStateProvider, which builder.Services.AddRazorComponents() registers.");
        var state = await authentication.GetAuthenticationStateAsync().ConfigureAwait(false);
        return services.GetRequiredService<IOwnerIdResolver>().GetOwnerId(state.User);
    }

    /// <summary>Gets a usable token of <paramref name="provider"/> for the signed-in user, or why there is none (as <see cref="ITokenValidityService.GetValidTokenAsync(string, string, CancellationToken)"/>).</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result; <see cref="TokenStatus.NotConnected"/> when nobody is signed in.</returns>
    public async Task<TokenResult> GetTokenAsync(string provider, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        return await GetOwnerIdAsync().ConfigureAwait(false) is { } owner
            ? await services.GetRequiredService<ITokenValidityService>().GetValidTokenAsync(owner, provider, cancellationToken).ConfigureAwait(false)
            : TokenResult.NotConnected(provider);
    }

    /// <summary>Gets every configured provider's state for the signed-in user, read from the store without calling any provider.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The states; empty when nobody is signed in.</returns>
    public async Task<IReadOnlyList<OAuthProviderStatus>> GetProvidersAsync(CancellationToken cancellationToken = default)
        => await GetOwnerIdAsync().ConfigureAwait(false) is { } owner
            ? await services.GetRequiredService<ConnectionStatusReader>().ReadAsync(owner, PathBase, CurrentLocalUrl, context: null, cancellationToken).ConfigureAwait(false)
            : [];

    /// <summary>Gets the URL that (re)connects <paramref name="provider"/> and comes back to the current page.</summary>
    /// <param name="provider">The provider name.</param>
    /// <returns>The app-relative URL.</returns>
    public string GetConnectUrl(string provider)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        return services.GetRequiredService<OAuth2CaptureEndpointLinks>().Connect(PathBase, provider, CurrentLocalUrl);
    }

    /// <summary>Starts the (re)connect of <paramref name="provider"/> with a full page load, coming back to the current page.</summary>
    /// <param name="provider">The provider name.</param>
    public void Reconnect(string provider) => Navigation.NavigateTo(GetConnectUrl(provider), forceLoad: true);

    /// <summary>
    /// What the components show for a failed result: the app's message, and a reconnect back to the current page when the
    /// user can fix it (asking for the scopes the result names as missing, as the HTTP answer does).
    /// </summary>
    internal async Task<OAuthTokenPrompt> PromptForAsync(TokenResult result)
    {
        var mapper = services.GetRequiredService<TokenFailureErrorMapper>();
        var connectUrl = TokenFailureErrorMapper.UserCanFix(result)
            ? mapper.ReconnectUrl(PathBase, CurrentLocalUrl, result, await GetOwnerIdAsync().ConfigureAwait(false))
            : null;
        return new OAuthTokenPrompt(result.Provider, mapper.GetDisplayName(result.Provider), result.Status, result.Reason,
            mapper.GetMessage(context: null, result.Provider, result.Status, result.Reason), connectUrl);
    }

    private NavigationManager Navigation => services.GetRequiredService<NavigationManager>();

    private PathString PathBase => new(new Uri(Navigation.BaseUri).AbsolutePath.TrimEnd('/'));

    private string CurrentLocalUrl => $"{PathBase}/{Navigation.ToBaseRelativePath(Navigation.Uri)}";
}

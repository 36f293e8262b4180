using OAuth2Capture.Reauth;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Tests.Http;

/// <summary>The default wording: specific per status and reason, naming the provider.</summary>
public sealed class ReauthMessageProviderTests
{
    [Theory]
    [InlineData(TokenStatus.ReauthRequired, ReauthReason.RefreshTokenExpired, "Your GitHub connection has expired. Reconnect to continue.")]
    [InlineData(TokenStatus.ReauthRequired, ReauthReason.Revoked, "Your GitHub connection was revoked. Reconnect to continue.")]
    [InlineData(TokenStatus.ReauthRequired, ReauthReason.InsufficientScope, "GitHub needs more permissions for this. Reconnect and approve them to continue.")]
    [InlineData(TokenStatus.ReauthRequired, ReauthReason.NoRefreshToken, "Your GitHub sign-in has run out, and GitHub does not renew it automatically. Reconnect to continue.")]
    [InlineData(TokenStatus.ReauthRequired, ReauthReason.Inactivity, "Your GitHub connection expired after a period of inactivity. Reconnect to continue.")]
    [InlineData(TokenStatus.ReauthRequired, ReauthReason.ProviderRejected, "GitHub no longer accepts this app's access to your account. Reconnect to continue.")]
    [InlineData(TokenStatus.ReauthRequired, ReauthReason.ReauthLoopDetected, "Your GitHub connection keeps failing right after you reconnect. This needs a fix on our side; the operators have been told.")]
    [InlineData(TokenStatus.NotConnected, ReauthReason.None, "Connect your GitHub account to continue.")]
    [InlineData(TokenStatus.TemporarilyUnavailable, ReauthReason.None, "GitHub is not responding right now. Your connection is fine; please try again in a moment.")]
    [InlineData(TokenStatus.ConfigurationError, ReauthReason.None, "GitHub can't be used right now because of a problem on our side. The operators have been told; you don't need to reconnect.")]
    public void GetMessage_names_the_provider_and_says_what_happened(TokenStatus status, ReauthReason reason, string expected)
        => Assert.Equal(expected, new DefaultReauthMessageProvider().GetMessage(new ReauthMessageContext(null, "github", "GitHub", status, reason)));

    [Fact]
    public void Every_reauth_reason_has_its_own_message()
    {
        var provider = new DefaultReauthMessageProvider();
        var messages = Enum.GetValues<ReauthReason>()
            .Where(reason => reason != ReauthReason.None)
            .Select(reason => provider.GetMessage(new ReauthMessageContext(null, "github", "GitHub", TokenStatus.ReauthRequired, reason)))
            .ToList();

        Assert.Equal(messages.Count, messages.Distinct().Count());
    }
}

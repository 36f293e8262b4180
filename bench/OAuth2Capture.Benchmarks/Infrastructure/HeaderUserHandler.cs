using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OAuth2Capture.Benchmarks.Infrastructure;

/// <summary>A test authentication scheme: the request's <see cref="Header"/> names the signed-in user (no header: anonymous).</summary>
internal sealed class HeaderUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Header";
    public const string Header = "X-Bench-User";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        => Task.FromResult(Request.Headers.TryGetValue(Header, out var user) && !string.IsNullOrEmpty(user)
            ? AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.ToString())], SchemeName)), SchemeName))
            : AuthenticateResult.NoResult());
}

// The getting-started steps, written as a new app would from docs/getting-started.md, with its using lines.
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using OAuth2Capture;          // TokenStatus, ReauthReason, the options
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tokens;   // ITokenValidityService, TokenResult, IOAuthConnectionService, the exceptions

var builder = WebApplication.CreateBuilder(args);
var publicUrl = builder.Configuration["PublicUrl"] ?? throw new InvalidOperationException("--PublicUrl is required.");

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options => options.LoginPath = "/login");
builder.Services.AddAuthorization();
builder.Services.AddOAuth2Capture(builder.Configuration.GetSection("OAuth2Capture"));

// The embedded DevProvider stands in for a real provider, as in the sample.
builder.Services.AddOAuth2CaptureDevProvider(options =>
{
    options.RedirectUris.Clear();
    options.RedirectUris.Add(new Uri($"{publicUrl}/oauth2/dev/callback"));
});

var app = builder.Build();
app.Map("/dev-provider", provider => provider.UseOAuth2CaptureDevProvider());
app.UseAuthentication();
app.UseAuthorization();
app.UseOAuth2Capture();
app.MapOAuth2Capture();

app.MapGet("/login", async (HttpContext context, string user) =>
{
    var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], CookieAuthenticationDefaults.AuthenticationScheme);
    await context.SignInAsync(new ClaimsPrincipal(identity));
    return Results.Redirect("/settings");
});
app.MapGet("/settings", (HttpContext context) =>
{
    var connectUrl = context.GetConnectUrl("dev", returnUrl: "/settings");
    return Results.Content($"<a href=\"{connectUrl}\">Connect DevProvider</a>", "text/html");
}).RequireAuthorization();
app.MapGet("/token", async (HttpContext context, ITokenValidityService tokens) =>
{
    TokenResult token = await tokens.GetValidTokenAsync(context.User.FindFirstValue(ClaimTypes.NameIdentifier)!, "dev", context.RequestAborted);
    return token.Status == TokenStatus.Valid ? "Valid" : $"{token.Status} {token.Reason}";
}).RequireAuthorization();

app.Run();

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

// A minimal app hosting OAuth2Capture in a process of its own, so a test can kill it with SIGKILL mid-refresh and start it
// again on the same SQLite file and key ring (tests/OAuth2Capture.Tests/Tokens/CrashMidRefreshTests.cs). Everything
// OAuth2Capture needs comes from the command line (--OAuth2Capture:...); --CrashHost:Keys names the key ring directory.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
builder.Services.AddDataProtection()
    .SetApplicationName("OAuth2Capture.CrashHost")
    .PersistKeysToFileSystem(new DirectoryInfo(builder.Configuration["CrashHost:Keys"] ?? throw new InvalidOperationException("--CrashHost:Keys is required.")));
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
builder.Services.AddAuthorization();
builder.Services.AddOAuth2Capture(builder.Configuration.GetSection("OAuth2Capture"));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapOAuth2Capture();
app.MapGet("/ready", () => "ready");
app.MapGet("/login", async Task<IResult> (HttpContext context, string user) =>
{
    var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], CookieAuthenticationDefaults.AuthenticationScheme);
    await context.SignInAsync(new ClaimsPrincipal(identity));
    return Results.Text("signed in");
});
app.MapGet("/connected", () => "connected");
app.MapGet("/token", (HttpContext context) => Results.Json(new { status = context.GetOAuthToken("dev")?.Status.ToString() }))
    .RequireAuthorization()
    .RequireOAuthToken("dev");
await app.RunAsync();

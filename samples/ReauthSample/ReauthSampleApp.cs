using OAuth2Capture.Reauth;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OAuth2Capture.DevProvider;
using ReauthSample.Services;

namespace ReauthSample;

/// <summary>
/// Builds the sample app. <c>Program.cs</c> runs it; the browser tests host it in their own process the same way, on a
/// free port with a temporary database.
/// </summary>
public static class ReauthSampleApp
{
    /// <summary>The demo users: user id and display name. No passwords: the sign-in page has one button per user.</summary>
    public static IReadOnlyList<(string Id, string Name)> DemoUsers { get; } = [("alice", "Alice"), ("bob", "Bob")];

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The Razor Pages live in this assembly, also when a test process hosts the sample.
            ApplicationName = typeof(ReauthSampleApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (builder.Configuration["urls"] is null)
        {
            builder.WebHost.UseUrls(SampleUrls.DefaultUrl);
        }

        configure?.Invoke(builder);
        var urls = SampleUrls.FromListenUrls(builder.Configuration["urls"] ?? SampleUrls.DefaultUrl, builder.Configuration["Sample:PublicUrl"]);
        builder.Services.AddSingleton(urls);

        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/");
            options.Conventions.AllowAnonymousToPage("/Index");
            options.Conventions.AllowAnonymousToPage("/SignIn");
            options.Conventions.AllowAnonymousToPage("/Error");
        });
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/signin";
                options.Cookie.Name = "ReauthSample.Auth";
            });
        builder.Services.AddAuthorization();

        // The Blazor page (/blazor) next to the Razor Pages: interactive server rendering, the circuit's user from the cookie.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();

        AddOAuth2Capture(builder, urls);
        AddDevProvider(builder, urls);

        builder.Services.AddSingleton<PostBoard>();
        builder.Services.AddSingleton<SampleProviders>();
        builder.Services.AddScoped<Publisher>();
        builder.Services.AddScoped<Simulator>();
        builder.Services.AddSingleton<ScheduledPosts>();
        builder.Services.AddHostedService<ScheduledPublisher>();

        var app = builder.Build();
        Configure(app, urls);
        return app;
    }

    /// <summary>The URL to open: the public base, once the server listens.</summary>
    public static Uri PublicUrl(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        return app.Services.GetRequiredService<SampleUrls>().PublicBase;
    }

    private static void AddOAuth2Capture(WebApplicationBuilder builder, SampleUrls urls)
    {
        var capture = builder.Services.AddOAuth2Capture(builder.Configuration.GetSection("OAuth2Capture"));

        // One list for the whole app, so the notifier is the singleton the dashboard reads (AddReauthNotifier<T>()
        // would make a new, empty instance per scope).
        builder.Services.AddSingleton<InAppNotifications>();
        builder.Services.AddScoped<IReauthNotifier>(services => services.GetRequiredService<InAppNotifications>());
        if (builder.Configuration["OAuth2Capture:Store:ConnectionString"] is null)
        {
            var path = Path.Combine(builder.Environment.ContentRootPath, "reauth-sample.db");
            capture.Configure(options => options.Store.ConnectionString = $"Data Source={path}");
        }

        var devBase = urls.Url(SampleProviders.DevProviderPath.TrimStart('/') + "/");
        foreach (var dev in SampleProviders.DevBacked)
        {
            capture.AddProvider(dev.Name, provider =>
            {
                provider.ClientId = dev.ClientId;
                provider.ClientSecret = dev.ClientSecret;
                provider.DisplayName = dev.DisplayName;
                provider.AuthorizationEndpoint = new Uri(devBase, "connect/authorize").ToString();
                provider.TokenEndpoint = new Uri(devBase, "connect/token").ToString();
                provider.UserInformationEndpoint = new Uri(devBase, "connect/userinfo").ToString();
                provider.RevocationEndpoint = new Uri(devBase, "connect/revoke").ToString();
                provider.IntrospectionEndpoint = new Uri(devBase, "connect/introspect").ToString();
                provider.Scopes = ["openid", "profile", "offline_access", "read", "write"];
            });

            // The provider's API (the DevProvider's api/posts), called with the user's token.
            builder.Services.AddHttpClient(SocialApi.ClientName(dev.Name), client => client.BaseAddress = devBase)
                .AddOAuth2CaptureToken(dev.Name);
        }

        builder.Services.AddScoped<SocialApi>();

        capture.Configure(options => options.Events.OnConnectionCaptured = PendingPosts.OnConnectionCaptured);
    }

    private static void AddDevProvider(WebApplicationBuilder builder, SampleUrls urls)
    {
        var social = SampleProviders.DevBacked[0];
        builder.Services.AddOAuth2CaptureDevProvider(options =>
        {
            options.ClientId = social.ClientId;
            options.ClientSecret = social.ClientSecret;
            options.RedirectUris.Clear();
            options.RedirectUris.Add(urls.Url($"/oauth2/{social.Name}/callback"));
            foreach (var other in SampleProviders.DevBacked.Skip(1))
            {
                options.AdditionalClients.Add(new DevClient
                {
                    ClientId = other.ClientId,
                    ClientSecret = other.ClientSecret,
                    DisplayName = $"ReauthSample (as {other.DisplayName})",
                    RedirectUris = { urls.Url($"/oauth2/{other.Name}/callback") },
                });
            }

            // A person should see the approve/deny page; each app user has an account of the same name there.
            options.AutoApprove = false;
            options.AnnounceRefreshTokenLifetime = true;
            options.UserResolver = context => context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        });
    }

    private static void Configure(WebApplication app, SampleUrls urls)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
        }

        // One host name for everything: cookies and the DevProvider's exact redirect URIs depend on it.
        app.Use((context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method)
                && !string.Equals(context.Request.Host.Value, urls.PublicBase.Authority, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Redirect(urls.Url(context.Request.Path + context.Request.QueryString).ToString());
                return Task.CompletedTask;
            }

            return next(context);
        });

        // The embedded DevProvider, on its own branch: its fault switches, OpenIddict and its endpoints see only
        // /dev-provider/…, and OpenIddict resolves its endpoint URIs against that path base.
        app.Map(SampleProviders.DevProviderPath, provider => provider.UseOAuth2CaptureDevProvider());

        // Blazor's script (_framework/blazor.web.js, from the framework's static web assets). Middleware, not
        // MapStaticAssets(): in Development that maps a catch-all GET endpoint, and global routing then answers 405 to
        // every POST meant for the DevProvider's branch above (its consent form, its token endpoint).
        app.UseStaticFiles();
        app.UseStatusCodePagesWithReExecute("/Error", "?status={0}");
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOAuth2Capture();
        app.UseAntiforgery();

        app.MapGet("/site.css", () =>
        {
            var stream = typeof(ReauthSampleApp).Assembly.GetManifestResourceStream("ReauthSample.site.css")!;
            return Results.Stream(stream, "text/css; charset=utf-8");
        }).AllowAnonymous();
        app.MapOAuth2Capture();
        ApiEndpoints.Map(app);
        app.MapRazorPages();
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
    }
}

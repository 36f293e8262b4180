using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OAuth2Capture.DevProvider.Internal;

namespace OAuth2Capture.DevProvider;

/// <summary>
/// A real OAuth 2.0 provider (OpenIddict) listening on a free port of 127.0.0.1, with fault switches, for tests.
/// Start it with <see cref="StartAsync"/> and dispose it when done.
/// </summary>
public sealed class DevProviderServer : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly DevProviderClientRegistrar _registrar;
    private int _disposed;

    private DevProviderServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
        Options = app.Services.GetRequiredService<DevProviderOptions>();
        Faults = app.Services.GetRequiredService<DevProviderFaults>();
        Stats = app.Services.GetRequiredService<DevProviderStats>();
        _registrar = app.Services.GetRequiredService<DevProviderClientRegistrar>();
    }

    /// <summary>Gets the base address, e.g. <c>http://127.0.0.1:54321/</c> (with a trailing slash).</summary>
    public Uri BaseUri { get; }

    /// <summary>Gets the authorization endpoint (<c>connect/authorize</c>).</summary>
    public Uri AuthorizationEndpoint => new(BaseUri, DevProviderPaths.Authorization);

    /// <summary>Gets the token endpoint (<c>connect/token</c>).</summary>
    public Uri TokenEndpoint => new(BaseUri, DevProviderPaths.Token);

    /// <summary>Gets the revocation endpoint (<c>connect/revoke</c>, RFC 7009).</summary>
    public Uri RevocationEndpoint => new(BaseUri, DevProviderPaths.Revocation);

    /// <summary>Gets the introspection endpoint (<c>connect/introspect</c>, RFC 7662).</summary>
    public Uri IntrospectionEndpoint => new(BaseUri, DevProviderPaths.Introspection);

    /// <summary>Gets the user-info endpoint (<c>connect/userinfo</c>).</summary>
    public Uri UserInfoEndpoint => new(BaseUri, DevProviderPaths.UserInfo);

    /// <summary>Gets the base of the loopback-only control API (<c>dev/</c>).</summary>
    public Uri ControlEndpoint => new(BaseUri, DevProviderPaths.Control + "/");

    /// <summary>Gets the options the server was started with.</summary>
    public DevProviderOptions Options { get; }

    /// <summary>Gets the fault switches.</summary>
    public DevProviderFaults Faults { get; }

    /// <summary>Gets the request counters.</summary>
    public DevProviderStats Stats { get; }

    /// <summary>
    /// Starts a provider on Kestrel at <c>http://127.0.0.1:0</c> (a free port) and returns once it listens and the
    /// default client is registered.
    /// </summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">A token to cancel the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="ArgumentException">An option is empty or out of range.</exception>
    public static async Task<DevProviderServer> StartAsync(DevProviderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DevProviderOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DevProviderServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddOAuth2CaptureDevProvider(options);

        var app = builder.Build();
        app.UseOAuth2CaptureDevProvider();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.First();
            return new DevProviderServer(app, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Registers a client application, or replaces the registration of one with the same client id.
    /// </summary>
    /// <param name="client">The client: id, secret (none for a public client), exact redirect URIs and allowed scopes.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task completing once the client can be used.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException">The client id is empty.</exception>
    public Task RegisterClientAsync(DevClient client, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _registrar.RegisterAsync(client, cancellationToken);
    }

    /// <summary>Stops the server (hanging requests are aborted) and releases its resources.</summary>
    /// <returns>A task completing once the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

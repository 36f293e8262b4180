using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Storage;
using OAuth2Capture.Tests.Infrastructure;

namespace OAuth2Capture.Tests.ManyInstances;

/// <summary>
/// Several app instances in one test process: each its own host, service provider and <c>RefreshFlights</c>, all sharing
/// one store database, one Data Protection key ring (<c>PersistKeysToDbContext</c>), one clock and one DevProvider.
/// </summary>
internal sealed class AppInstances : IAsyncDisposable
{
    private readonly List<CaptureHarness> instances;
    private readonly HashSet<int> stopped = [];

    private AppInstances(List<CaptureHarness> instances, ShiftableTimeProvider clock)
    {
        this.instances = instances;
        Clock = clock;
    }

    public ShiftableTimeProvider Clock { get; }

    public int Count => instances.Count;

    public CaptureHarness this[int index] => instances[index];

    public static async Task<AppInstances> StartAsync(
        DevProviderServer dev, int count, OAuth2CaptureStoreProvider provider, string connectionString, Action<int, OAuth2CaptureOptions>? configure = null)
    {
        var keysOptions = new DbContextOptionsBuilder<SharedKeysDbContext>();
        SharedKeysDbContext.Configure(keysOptions, provider, connectionString);
        await using (var keys = new SharedKeysDbContext(keysOptions.Options))
        {
            await keys.GetService<IRelationalDatabaseCreator>().CreateTablesAsync();
        }

        var clock = new ShiftableTimeProvider();
        var settings = new CaptureHarnessSettings
        {
            StoreProvider = provider,
            ConnectionString = connectionString,
            Clock = clock,
            DataProtection = dataProtection => dataProtection
                .SetApplicationName("OAuth2Capture.Tests.ManyInstances")
                .PersistKeysToDbContext<SharedKeysDbContext>(),
        };

        Task<CaptureHarness> Start(int index) => CaptureHarness.StartAsync(
            dev,
            options => configure?.Invoke(index, options),
            services => services.AddDbContext<SharedKeysDbContext>(builder => SharedKeysDbContext.Configure(builder, provider, connectionString)),
            settings);

        // The first instance migrates the store and creates the key; the others start together and find both.
        var first = await Start(0);
        _ = first.Services.GetRequiredService<ITokenProtector>().Protect("create the shared key");
        var others = await Task.WhenAll(Enumerable.Range(1, count - 1).Select(Start));
        return new AppInstances([first, .. others], clock);
    }

    /// <summary>Stops one instance, as a crash or a deployment would.</summary>
    public async Task StopAsync(int index)
    {
        if (stopped.Add(index))
        {
            await instances[index].DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var index = 0; index < instances.Count; index++)
        {
            await StopAsync(index);
        }
    }
}

using Microsoft.EntityFrameworkCore.Diagnostics;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Tests.Storage;

/// <summary>A migrated store database of one engine; each context is a fresh unit of work.</summary>
internal interface ITestStoreDatabase : IAsyncDisposable
{
    OAuth2CaptureDbContext CreateContext(params IInterceptor[] interceptors);

    EfCoreTokenStore<OAuth2CaptureDbContext> CreateStore(params IInterceptor[] interceptors);
}

/// <summary>Adapts <see cref="Infrastructure.PostgreSqlTestDatabase"/> to the store tests.</summary>
internal sealed class PostgreSqlStoreDatabase(Infrastructure.PostgreSqlTestDatabase database) : ITestStoreDatabase
{
    public OAuth2CaptureDbContext CreateContext(params IInterceptor[] interceptors) => database.CreateContext(interceptors);

    public EfCoreTokenStore<OAuth2CaptureDbContext> CreateStore(params IInterceptor[] interceptors) => new(CreateContext(interceptors));

    public ValueTask DisposeAsync() => database.DisposeAsync();
}

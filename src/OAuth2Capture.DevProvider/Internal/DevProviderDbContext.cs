using Microsoft.EntityFrameworkCore;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Holds OpenIddict's entities (applications, authorizations, scopes, tokens) in memory.</summary>
internal sealed class DevProviderDbContext(DbContextOptions<DevProviderDbContext> options) : DbContext(options);

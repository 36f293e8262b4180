using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OAuth2Capture.DevProvider.Internal;

/// <summary>Subject-wide operations on the stored tokens, through OpenIddict's managers.</summary>
internal sealed class DevProviderTokenOperations(IServiceScopeFactory scopeFactory, TimeProvider timeProvider)
{
    public async Task<int> ExpireAsync(string subject, string? clientId, DevProviderTokenKind kind, CancellationToken cancellationToken)
    {
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var now = timeProvider.GetUtcNow();
            var count = 0;
            var applicationId = await FindApplicationIdAsync(scope.ServiceProvider, clientId, cancellationToken).ConfigureAwait(false);
            foreach (var token in await FindAsync(manager, subject, applicationId, kind, cancellationToken).ConfigureAwait(false))
            {
                var descriptor = new OpenIddictTokenDescriptor();
                await manager.PopulateAsync(descriptor, token, cancellationToken).ConfigureAwait(false);
                descriptor.ExpirationDate = now.UtcDateTime;
                await manager.UpdateAsync(token, descriptor, cancellationToken).ConfigureAwait(false);
                count++;
            }

            return count;
        }
    }

    public async Task<int> RevokeAsync(string subject, string? clientId, DevProviderTokenKind kind, CancellationToken cancellationToken)
    {
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var count = 0;
            var applicationId = await FindApplicationIdAsync(scope.ServiceProvider, clientId, cancellationToken).ConfigureAwait(false);
            foreach (var token in await FindAsync(manager, subject, applicationId, kind, cancellationToken).ConfigureAwait(false))
            {
                if (await manager.TryRevokeAsync(token, cancellationToken).ConfigureAwait(false))
                {
                    count++;
                }
            }

            if (kind == DevProviderTokenKind.All)
            {
                var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
                var found = new List<object>();
                await foreach (var authorization in authorizations.FindBySubjectAsync(subject, cancellationToken).ConfigureAwait(false))
                {
                    found.Add(authorization);
                }

                if (applicationId is not null)
                {
                    var ofClient = new List<object>();
                    foreach (var authorization in found)
                    {
                        if (string.Equals(await authorizations.GetApplicationIdAsync(authorization, cancellationToken).ConfigureAwait(false), applicationId, StringComparison.Ordinal))
                        {
                            ofClient.Add(authorization);
                        }
                    }

                    found = ofClient;
                }

                foreach (var authorization in found)
                {
                    await authorizations.TryRevokeAsync(authorization, cancellationToken).ConfigureAwait(false);
                }
            }

            return count;
        }
    }

    /// <summary>
    /// Finds the stored refresh token a client presented (reference refresh tokens are on) and tells whether it
    /// exists and has expired.
    /// </summary>
    public async Task<bool> IsExpiredRefreshTokenAsync(string presentedToken, CancellationToken cancellationToken)
    {
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var token = await manager.FindByReferenceIdAsync(presentedToken, cancellationToken).ConfigureAwait(false);
            if (token is null || !await IsOfKindAsync(manager, token, DevProviderTokenKind.RefreshToken, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var expiration = await manager.GetExpirationDateAsync(token, cancellationToken).ConfigureAwait(false);
            return expiration is { } date && date <= timeProvider.GetUtcNow();
        }
    }

    /// <summary>Finds the OpenIddict id of a client (null for "every client"); an unknown client id matches nothing.</summary>
    private static async Task<string?> FindApplicationIdAsync(IServiceProvider services, string? clientId, CancellationToken cancellationToken)
    {
        if (clientId is null)
        {
            return null;
        }

        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken).ConfigureAwait(false);
        return application is null
            ? "unknown-client:" + clientId
            : await applications.GetIdAsync(application, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<object>> FindAsync(
        IOpenIddictTokenManager manager, string subject, string? applicationId, DevProviderTokenKind kind, CancellationToken cancellationToken)
    {
        var candidates = new List<object>();
        await foreach (var token in manager.FindBySubjectAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            candidates.Add(token);
        }

        var matches = new List<object>();
        foreach (var token in candidates)
        {
            if (await manager.HasStatusAsync(token, Statuses.Valid, cancellationToken).ConfigureAwait(false)
                && (applicationId is null
                    || string.Equals(await manager.GetApplicationIdAsync(token, cancellationToken).ConfigureAwait(false), applicationId, StringComparison.Ordinal))
                && await IsOfKindAsync(manager, token, kind, cancellationToken).ConfigureAwait(false))
            {
                matches.Add(token);
            }
        }

        return matches;
    }

    private static async ValueTask<bool> IsOfKindAsync(
        IOpenIddictTokenManager manager, object token, DevProviderTokenKind kind, CancellationToken cancellationToken)
    {
        if (kind == DevProviderTokenKind.All)
        {
            return true;
        }

        var type = await manager.GetTypeAsync(token, cancellationToken).ConfigureAwait(false);
        return kind switch
        {
            DevProviderTokenKind.AccessToken => type is TokenTypeHints.AccessToken or TokenTypeIdentifiers.AccessToken,
            DevProviderTokenKind.RefreshToken => type is TokenTypeHints.RefreshToken or TokenTypeIdentifiers.RefreshToken,
            _ => false,
        };
    }
}

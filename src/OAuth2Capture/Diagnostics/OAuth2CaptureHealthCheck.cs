using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Diagnostics;

/// <summary>
/// Healthy when the store answers, with the share of connections needing re-auth per provider as data; degraded when a
/// provider's share exceeds the threshold, when this instance found connections whose stored tokens it cannot decrypt
/// (<c>unreadable_tokens</c>: what the token service observed, so the check decrypts nothing), or when a provider rejected
/// the app's own configuration at its last refresh or code exchange here (<c>{provider}.configuration_rejected</c>, until a
/// success there); the registration's failure status (unhealthy) when the store fails.
/// </summary>
internal sealed class OAuth2CaptureHealthCheck(IServiceScopeFactory scopeFactory, double degradedShare) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<ProviderConnectionCounts> counts;
        int unreadable;
        IReadOnlyList<ProviderConfigurationRejections.Rejection> rejected;
        try
        {
            var scope = scopeFactory.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                counts = await scope.ServiceProvider.GetRequiredService<ITokenStore>().CountByProviderAsync(cancellationToken).ConfigureAwait(false);
                unreadable = scope.ServiceProvider.GetService<TokenSecrets>()?.KnownUnreadableCount ?? 0;
                rejected = scope.ServiceProvider.GetService<ProviderConfigurationRejections>()?.Current ?? [];
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The OAuth2Capture token store does not answer.", exception);
        }

        ConnectionCountsSnapshot.Update(counts);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var degraded = new List<string>();
        foreach (var count in counts.OrderBy(c => c.Provider, StringComparer.Ordinal))
        {
            data[count.Provider] = count.ReauthRequiredShare;
            data[count.Provider + ".connections"] = count.Total;
            data[count.Provider + ".reauth_required"] = count.ReauthRequired;
            if (count.ReauthRequiredShare > degradedShare)
            {
                degraded.Add(string.Create(CultureInfo.InvariantCulture, $"{count.Provider} ({count.ReauthRequired} of {count.Total})"));
            }
        }

        data["unreadable_tokens"] = unreadable;
        var problems = new List<string>(2);
        if (unreadable > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"This instance cannot decrypt the stored tokens of {unreadable} connection(s): its Data Protection key ring lacks their key (log event 2101)."));
        }

        foreach (var rejection in rejected)
        {
            data[rejection.Provider + ".configuration_rejected"] = rejection.Error ?? "unknown";
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{rejection.Provider} rejects this app's own configuration ({rejection.Error ?? "no error code"}) since {rejection.Since:u}: check {OAuth2CaptureDefaults.ConfigurationSection}:Providers:{rejection.Provider} (log event 2005)."));
        }

        if (degraded.Count > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"More than {degradedShare:P0} of the connections need re-auth: {string.Join(", ", degraded)}."));
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy("The token store answers.", data)
            : HealthCheckResult.Degraded(string.Join(" ", problems), data: data);
    }
}

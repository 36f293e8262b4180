using Microsoft.Extensions.Diagnostics.HealthChecks;
using OAuth2Capture.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds OAuth2Capture's health check: <c>services.AddHealthChecks().AddOAuth2Capture()</c>.</summary>
public static class OAuth2CaptureHealthChecksBuilderExtensions
{
    /// <summary>The default registration name: <c>oauth2capture</c>.</summary>
    public const string DefaultName = "oauth2capture";

    /// <summary>
    /// Adds a check that queries the token store once (a count per provider): healthy when it answers, with each provider's
    /// share of connections needing re-auth as data (<c>{provider}</c>, plus <c>{provider}.connections</c> and
    /// <c>{provider}.reauth_required</c>); degraded when a share exceeds <paramref name="degradedShare"/>;
    /// <paramref name="failureStatus"/> when the store fails.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="degradedShare">The share (0 to 1) of a provider's connections needing re-auth above which the app is degraded. Default: 0.2.</param>
    /// <param name="name">The registration name. Default: <see cref="DefaultName"/>.</param>
    /// <param name="failureStatus">The status when the store fails. Default: <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags for filtering, for example <c>["ready"]</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddOAuth2Capture(this IHealthChecksBuilder builder, double degradedShare = 0.2, string name = DefaultName,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(degradedShare);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degradedShare, 1);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new OAuth2CaptureHealthCheck(services.GetRequiredService<IServiceScopeFactory>(), degradedShare),
            failureStatus ?? HealthStatus.Unhealthy,
            tags));
    }
}

using Microsoft.AspNetCore.Mvc;
using OAuth2Capture.Http;
using OAuth2Capture.Tokens;
using ReauthSample.Services;

namespace ReauthSample.Pages;

/// <summary>The dashboard: status from the middleware's feature (one store query), expiry warnings from the service.</summary>
public sealed class DashboardModel(ITokenValidityService tokens, Simulator simulator, SampleProviders providers, InAppNotifications notifications, TimeProvider time) : SamplePageModel
{
    public IReadOnlyList<InAppNotification> Notifications { get; private set; } = [];

    public IReadOnlyList<OAuthProviderStatus> Statuses { get; private set; } = [];

    public IReadOnlyList<ExpiringConnection> Expiring { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Statuses = await HttpContext.GetOAuthStatus()!.GetProvidersAsync(HttpContext.RequestAborted);
        Expiring = await tokens.GetExpiringConnectionsAsync(Owner, cancellationToken: HttpContext.RequestAborted);
        Notifications = notifications.For(Owner);
    }

    public async Task<IActionResult> OnPostSimulateAsync(string? provider, string? simulation, int? count)
    {
        if (providers.FindDev(provider ?? string.Empty) is null)
        {
            return RedirectWithMessage("/dashboard", $"Only DevProvider-backed providers can be simulated; \"{provider}\" is not one of them.");
        }

        if (!Enum.TryParse<Simulation>(simulation, ignoreCase: false, out var what) || !Enum.IsDefined(what))
        {
            return RedirectWithMessage("/dashboard", $"\"{simulation}\" is not something the simulate panel can do.");
        }

        var message = await simulator.RunAsync(Owner, provider!, what, count ?? Simulator.DefaultFailureCount, HttpContext.RequestAborted);
        return RedirectWithMessage("/dashboard", message);
    }

    public string DisplayNameOf(string provider) => providers.TryGet(provider, out var found) ? found.DisplayName : provider;

    public string DaysUntil(DateTimeOffset at)
    {
        var left = at - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            return "no time (it has expired)";
        }

        var days = (int)Math.Ceiling(left.TotalDays);
        return days == 1 ? "1 day" : $"{days} days";
    }
}

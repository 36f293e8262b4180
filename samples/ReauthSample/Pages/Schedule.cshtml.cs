using Microsoft.AspNetCore.Mvc;
using OAuth2Capture.Http;
using OAuth2Capture.Tokens;
using ReauthSample.Services;

namespace ReauthSample.Pages;

/// <summary>The background-job pattern: schedule a post; <see cref="ScheduledPublisher"/> publishes it with nobody signed in.</summary>
public sealed class ScheduleModel(ScheduledPosts schedule, SocialApi api) : SamplePageModel
{
    /// <summary>How long after scheduling the job publishes: short, so the demo shows it at once.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);

    public string? Text { get; private set; }

    public IReadOnlyList<ScheduledPost> Posts { get; private set; } = [];

    /// <summary>What DevSocial's API holds for this user, read with the same handler; null when it could not be read.</summary>
    public IReadOnlyList<string>? AtProvider { get; private set; }

    public string? AtProviderProblem { get; private set; }

    public string ReconnectUrl => HttpContext.GetConnectUrl(SampleProviders.Social, "/schedule");

    public Task OnGetAsync() => LoadAsync();

    public async Task<IActionResult> OnPostAsync(string? text)
    {
        if (PostBoard.Validate(text) is { } problem)
        {
            InputError = problem;
            Text = text;
            await LoadAsync();
            return Page();
        }

        schedule.Schedule(Owner, SampleProviders.Social, text!, Delay);
        return RedirectWithMessage("/schedule", $"Scheduled. A background job publishes it to DevSocial in {Delay.TotalSeconds:0} seconds; this page does not need to stay open.");
    }

    private static bool TokenFailureNeedsUser(TokenResult result)
        => result.Status is OAuth2Capture.TokenStatus.NotConnected or OAuth2Capture.TokenStatus.ReauthRequired;

    private async Task LoadAsync()
    {
        Posts = schedule.ListFor(Owner);
        try
        {
            AtProvider = await api.ListAsync(Owner, SampleProviders.Social, HttpContext.RequestAborted);
        }
        catch (OAuthTokenException failed)
        {
            AtProviderProblem = TokenFailureNeedsUser(failed.Result)
                ? "DevSocial needs you to reconnect before its posts can be read."
                : "DevSocial's API can't be read right now; try again in a moment.";
        }
        catch (HttpRequestException failed)
        {
            AtProviderProblem = $"DevSocial's API answered {(int?)failed.StatusCode}.";
        }
    }
}

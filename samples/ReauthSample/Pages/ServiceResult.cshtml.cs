using Microsoft.AspNetCore.Mvc;
using ReauthSample.Services;

namespace ReauthSample.Pages;

/// <summary>The service-result pattern: <see cref="Publisher"/> returns a value; the page shows what it means.</summary>
public sealed class ServiceResultModel(Publisher publisher, PostBoard board, SampleProviders providers) : SamplePageModel
{
    public SampleProviders Providers => providers;

    [BindProperty(SupportsGet = true)]
    public string Provider { get; set; } = SampleProviders.Social;

    public string ProviderDisplayName { get; private set; } = string.Empty;

    public string? Text { get; private set; }

    public PublishOutcome? Outcome { get; private set; }

    public void OnGet() => CheckProvider();

    public async Task<IActionResult> OnPostAsync(string? text)
    {
        Text = text;
        if (!CheckProvider())
        {
            return Page();
        }

        if (PostBoard.Validate(text) is { } problem)
        {
            InputError = problem;
            return Page();
        }

        var post = board.Create(Owner, text!, [(Provider, ProviderDisplayName)]);
        Outcome = await publisher.PublishAsync(HttpContext, post, Provider, HttpContext.RequestAborted);
        if (Outcome.Succeeded)
        {
            Text = null;
        }

        return Page();
    }

    private bool CheckProvider()
    {
        if (providers.TryGet(Provider, out var found))
        {
            Provider = found.Name;
            ProviderDisplayName = found.DisplayName;
            return true;
        }

        InputError = providers.Unknown(Provider);
        Provider = SampleProviders.Social;
        ProviderDisplayName = "DevSocial";
        return false;
    }
}

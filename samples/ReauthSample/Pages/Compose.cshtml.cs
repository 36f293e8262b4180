using Microsoft.AspNetCore.Mvc;
using OAuth2Capture.Http;
using ReauthSample.Services;

namespace ReauthSample.Pages;

/// <summary>The pending-action pattern: park the post, reconnect with the action in the URL, publish on the callback.</summary>
public sealed class ComposeModel(Publisher publisher, PostBoard board) : SamplePageModel
{
    public string? Text { get; private set; }

    public PublishOutcome? Outcome { get; private set; }

    public PublishOutcome? Parked { get; private set; }

    public string? ReconnectUrl { get; private set; }

    public IReadOnlyList<Post> Posts { get; private set; } = [];

    public void OnGet() => Posts = board.ListFor(Owner);

    public async Task<IActionResult> OnPostAsync(string? text)
    {
        if (PostBoard.Validate(text) is { } problem)
        {
            InputError = problem;
            Text = text;
            Posts = board.ListFor(Owner);
            return Page();
        }

        var post = board.Create(Owner, text!, [(SampleProviders.Social, "DevSocial")]);
        var outcome = await publisher.PublishAsync(HttpContext, post, SampleProviders.Social, HttpContext.RequestAborted);
        if (outcome.Succeeded)
        {
            return RedirectWithMessage("/compose", outcome.Message);
        }

        if (outcome.NeedsUser)
        {
            Parked = outcome;
            ReconnectUrl = HttpContext.GetConnectUrl(SampleProviders.Social, "/compose", PostBoard.PendingAction(post.Id));
        }
        else
        {
            Outcome = outcome;
            Text = text;
        }

        Posts = board.ListFor(Owner);
        return Page();
    }
}

using Microsoft.AspNetCore.Mvc;
using OAuth2Capture.Http;
using ReauthSample.Services;

namespace ReauthSample.Pages;

/// <summary>
/// The attribute pattern: on Razor Pages the attribute goes on the PageModel class (handler methods ignore filters). The
/// post goes to DevSocial's API in straight-line code: if the API finds the grant dead, the exception escapes and is
/// answered like the attribute's own check (reconnect, then back here).
/// </summary>
[RequireOAuthToken(SampleProviders.Social)]
public sealed class AttributeModel(PostBoard board, SocialApi api) : SamplePageModel
{
    public string TokenStatus { get; private set; } = string.Empty;

    public string? Text { get; private set; }

    public IReadOnlyList<Post> Posts { get; private set; } = [];

    public string? Published { get; private set; }

    public void OnGet() => Load();

    public async Task<IActionResult> OnPostAsync(string? text)
    {
        if (PostBoard.Validate(text) is { } problem)
        {
            InputError = problem;
            Text = text;
            Load();
            return Page();
        }

        // The filter ran before this handler, so the token is there and usable.
        var token = HttpContext.GetOAuthToken(SampleProviders.Social)!;
        var post = board.Create(Owner, text!, [(SampleProviders.Social, "DevSocial")]);
        var id = await api.PostAsync(Owner, SampleProviders.Social, post.Text, HttpContext.RequestAborted);
        board.Publish(Owner, post.Id, SampleProviders.Social);
        Published = $"Published to DevSocial with the token the attribute obtained ({token.Status}). DevSocial's post id: {id}.";
        Load();
        return Page();
    }

    private void Load()
    {
        TokenStatus = HttpContext.GetOAuthToken(SampleProviders.Social)?.Status.ToString() ?? "none";
        Posts = board.ListFor(Owner);
    }
}

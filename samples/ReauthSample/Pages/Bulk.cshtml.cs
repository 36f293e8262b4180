using Microsoft.AspNetCore.Mvc;
using ReauthSample.Services;

namespace ReauthSample.Pages;

/// <summary>The bulk pattern: one <see cref="Publisher"/> call per provider; the dead ones are listed for reconnecting in turn.</summary>
public sealed class BulkModel(Publisher publisher, PostBoard board, SampleProviders catalog) : SamplePageModel
{
    public sealed record WaitingDelivery(Post Post, Delivery Delivery, bool NeedsReconnect);

    public SampleProviders Providers => catalog;

    public string? Text { get; private set; }

    public IReadOnlyList<PublishOutcome> Outcomes { get; private set; } = [];

    public IReadOnlyList<WaitingDelivery> Waiting { get; private set; } = [];

    public Task OnGetAsync() => LoadWaitingAsync();

    public async Task<IActionResult> OnPostAsync(string? text, string[]? providers)
    {
        Text = text;
        var chosen = (providers ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (chosen.Count == 0)
        {
            InputError = "Choose at least one provider to publish to.";
        }
        else if (chosen.FirstOrDefault(name => !catalog.TryGet(name, out _)) is { } unknown)
        {
            InputError = catalog.Unknown(unknown);
        }
        else if (PostBoard.Validate(text) is { } problem)
        {
            InputError = problem;
        }

        if (InputError is null)
        {
            var targets = chosen.Select(name => { catalog.TryGet(name, out var p); return (Provider: p.Name, p.DisplayName); }).ToList();
            var post = board.Create(Owner, text!, targets);
            var outcomes = new List<PublishOutcome>();
            foreach (var (name, _) in targets.Select(t => (t.Provider, t.DisplayName)))
            {
                outcomes.Add(await publisher.PublishAsync(HttpContext, post, name, HttpContext.RequestAborted));
            }

            Outcomes = outcomes;
            Text = null;
        }

        await LoadWaitingAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, string? provider)
    {
        if (board.Find(Owner, id) is not { } post || provider is null || !catalog.TryGet(provider, out _))
        {
            InputError = "That post or provider no longer exists.";
        }
        else
        {
            Outcomes = [await publisher.PublishAsync(HttpContext, post, provider, HttpContext.RequestAborted)];
        }

        await LoadWaitingAsync();
        return Page();
    }

    private async Task LoadWaitingAsync()
    {
        var statuses = await HttpContext.GetOAuthStatus()!.GetProvidersAsync(HttpContext.RequestAborted);
        Waiting =
        [
            .. board.ListFor(Owner)
                .SelectMany(post => post.Deliveries.Where(d => d.State == DeliveryState.Waiting).Select(d => (post, d)))
                .Select(x => new WaitingDelivery(x.post, x.d,
                    statuses.FirstOrDefault(s => string.Equals(s.Provider, x.d.Provider, StringComparison.OrdinalIgnoreCase)) is not { State: OAuth2Capture.Http.OAuthConnectionState.Active })),
        ];
    }
}

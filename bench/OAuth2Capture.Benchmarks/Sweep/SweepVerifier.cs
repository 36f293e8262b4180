using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OAuth2Capture.Storage;

namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>
/// Checks that a sweep refreshed every row exactly once and did nothing else, by four independent counts: the token
/// endpoint's calls per refresh token, event 5002's figures, the meter's actions, and the rows the store marks refreshed.
/// </summary>
internal static class SweepVerifier
{
    /// <param name="app">The measuring host, still running.</param>
    /// <param name="endpoint">The token endpoint.</param>
    /// <param name="otherCallsBefore">The endpoint's <see cref="SweepTokenEndpoint.OtherCalls"/> before the sweep (the ceiling client's).</param>
    /// <param name="instruments">The meter's counts during the sweep.</param>
    /// <param name="done">What event 5002 said.</param>
    /// <param name="rows">The rows seeded.</param>
    /// <param name="cancellationToken">Stops the store query.</param>
    /// <returns>What is wrong; empty when nothing is.</returns>
    public static async Task<List<string>> VerifyAsync(
        SweepAppHost app, SweepTokenEndpoint endpoint, long otherCallsBefore, BackgroundInstrumentsListener instruments, SweepCompletion done, int rows,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var calls = endpoint.CallsPerRow();
        if (calls.Count(count => count == 0) is var never and > 0)
        {
            problems.Add($"the token endpoint never saw {never} of the {rows} refresh tokens");
        }

        if (calls.Count(count => count > 1) is var twice and > 0)
        {
            problems.Add($"{twice} refresh tokens were sent more than once (at most {calls.Max()} times)");
        }

        if (endpoint.OtherCalls != otherCallsBefore)
        {
            problems.Add($"the token endpoint got {endpoint.OtherCalls - otherCallsBefore} calls with refresh tokens that no seeded row has");
        }

        if (done.Refreshed != rows || done.Failed != 0 || done.ReauthRequired != 0 || done.Skipped != 0)
        {
            problems.Add($"event 5002 reported {done.Seen} seen, {done.Refreshed} refreshed, {done.Failed} failed, {done.ReauthRequired} re-auth, {done.Skipped} skipped");
        }

        if (instruments.Refreshed != rows || instruments.Others.Count > 0)
        {
            problems.Add($"the meter counted {instruments.Refreshed} refreshed, and {string.Join(", ", instruments.Others.Select(pair => $"{pair.Value} {pair.Key}"))}");
        }

        await using var scope = app.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<OAuth2CaptureDbContext>().Tokens.CountAsync(token => token.LastRefreshedAt != null, cancellationToken);
        if (stored != rows)
        {
            problems.Add($"the store holds {stored} refreshed rows, not {rows}");
        }

        return problems;
    }
}

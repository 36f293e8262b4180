using System.Diagnostics;
using System.Globalization;
using System.Text;
using OAuth2Capture.Benchmarks.Infrastructure;
using OAuth2Capture.DevProvider;
using OAuth2Capture.Tokens;

namespace OAuth2Capture.Benchmarks.Storm;

/// <summary>
/// Scenario 3, the refresh storm: starts a DevProvider (rotation on, reuse of a redeemed refresh token refused at once)
/// and an app host in-process on 127.0.0.1, connects users, expires their access tokens and releases N concurrent callers
/// at once, first through the library (single flight), then through <see cref="NaiveRefresher"/>. Wall times are
/// compared with a single refresh measured in the same run, because this machine is shared and noisy.
/// </summary>
internal sealed class StormRunner(StormSettings settings, TextWriter output)
{
    public const string LibraryName = "OAuth2Capture (single flight)";
    public const string NaiveName = "naive (no single flight)";
    public const string CachedName = "OAuth2Capture, token cache on";

    /// <summary>The cached app's <c>TokenCacheDuration</c>; the storm's clock jump expires its entries with the token.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(10);

    public async Task<StormReport> RunAsync(CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(settings.Timeout);
        var ct = bound.Token;

        await using var dev = await DevProviderServer.StartAsync(cancellationToken: ct);
        await using var app = await BenchApp.StartAsync(dev, cancellationToken: ct);
        await using var cachedApp = await BenchApp.StartAsync(dev, CacheDuration, cancellationToken: ct);
        using var naive = new NaiveRefresher(app);

        // Warm-up (JIT, connection pools, the provider's first requests), not measured.
        foreach (var warming in new[] { app, cachedApp })
        {
            await warming.ConnectAsync("warm-user", "warm", ct);
            warming.ExpireAccessTokens();
            Require(await warming.GetValidTokenAsync("warm-user", ct), "warm-up refresh");
        }

        // The valid path: store round trips of one call with a fresh token.
        var commandsBefore = app.Commands.Count;
        Require(await app.GetValidTokenAsync("warm-user", ct), "valid-path call");
        var validPathCommands = app.Commands.Count - commandsBefore;

        // One discarded burst grows the store's connection pool to N, as a busy app's would be, so that the first measured
        // burst does not pay for opening connections.
        _ = await ReleaseAsync("warm-user", (_, owner, token) => LibraryCallAsync(app, owner, token), ct);
        _ = await ReleaseAsync("warm-user", (_, owner, token) => LibraryCallAsync(cachedApp, owner, token), ct);

        await app.ConnectAsync("warm-naive", "warmnaive", ct);
        app.ExpireAccessTokens();
        _ = await naive.GetTokenAsync("warm-naive", ct);

        var single = await MeasureSingleRefreshAsync(app, ct);
        output.WriteLine($"single refresh (median of {settings.Singles}): {Ms(single)} ms");

        var library = await StormAsync(StormTarget.Library(LibraryName, app), "storm-user", "storm", single, ct);
        if (settings.LibraryOnly)
        {
            return new StormReport(settings, validPathCommands, single, [library]);
        }

        var baseline = await StormAsync(new StormTarget(NaiveName, [app], (_, owner, token) => naive.GetTokenAsync(owner, token), () => app.Commands.Count), "naive-user", "naive", single, ct);
        var cached = await StormAsync(StormTarget.Library(CachedName, cachedApp), "cached-user", "cached", single, ct);
        StormResult[] results = [library, baseline, cached];
        if (settings.Instances > 1)
        {
            results = [.. results, await SpreadStormAsync(dev, single, ct)];
        }

        return new StormReport(settings, validPathCommands, single, results);
    }

    /// <summary>
    /// The same storm spread over several app instances (each its own host, single flight and clock) on one store and key
    /// ring: the refresh lease must keep it to one token-endpoint call across all of them.
    /// </summary>
    private async Task<StormResult> SpreadStormAsync(DevProviderServer dev, TimeSpan single, CancellationToken ct)
    {
        await using var database = await BenchDatabase.CreateAsync(settings.Store, ct);
        var apps = new List<BenchApp>();
        try
        {
            // The first instance migrates the store; the others find it ready.
            for (var i = 0; i < settings.Instances; i++)
            {
                apps.Add(await BenchApp.StartAsync(dev, shared: database, cancellationToken: ct));
            }

            using var commands = new StoreCommandListener();
            var target = new StormTarget($"OAuth2Capture, {settings.Instances} instances ({(settings.Store == BenchStore.PostgreSql ? "PostgreSQL" : "SQLite")})", apps,
                (index, owner, token) => LibraryCallAsync(apps[index % apps.Count], owner, token), () => commands.Counts.Reads + commands.Counts.Writes);

            // Warm-up of every instance (JIT is shared, but each has its own pools and provider connections).
            await apps[0].ConnectAsync("spread-warm", "spreadwarm", ct);
            apps.ForEach(app => app.ExpireAccessTokens());
            _ = await ReleaseAsync("spread-warm", target.Call, ct);
            return await StormAsync(target, "spread-user", "spread", single, ct);
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<NaiveOutcome> LibraryCallAsync(BenchApp app, string owner, CancellationToken token)
    {
        var result = await app.GetValidTokenAsync(owner, token);
        return new NaiveOutcome(result.Succeeded, false, false, result.Error ?? (result.Succeeded ? null : result.Status.ToString()), result.AccessToken);
    }

    private async Task<TimeSpan> MeasureSingleRefreshAsync(BenchApp app, CancellationToken ct)
    {
        await app.ConnectAsync("single-user", "single", ct);
        var samples = new List<TimeSpan>();
        for (var i = 0; i < settings.Singles; i++)
        {
            app.ExpireAccessTokens();
            var started = Stopwatch.GetTimestamp();
            var result = await app.GetValidTokenAsync("single-user", ct);
            samples.Add(Stopwatch.GetElapsedTime(started));
            if (result.Status != TokenStatus.Refreshed)
            {
                throw new InvalidOperationException($"A single refresh answered {result.Status} ({result.Error}).");
            }
        }

        samples.Sort();
        return samples[samples.Count / 2];
    }

    private async Task<StormResult> StormAsync(StormTarget target, string owner, string devUser, TimeSpan single, CancellationToken ct)
    {
        var (name, apps, call, storeCommands) = target;
        var app = apps[0];
        await app.ConnectAsync(owner, devUser, ct);

        // The floor: the same N callers on the same row while its token is still valid (no refresh at all). This also
        // grows the store's connection pool, as a busy app's would be.
        var (floorWall, floor) = await ReleaseAsync(owner, call, ct);
        if (floor.Any(outcome => !outcome.Succeeded))
        {
            throw new InvalidOperationException($"{name}: callers failed on a valid token.");
        }

        foreach (var instance in apps)
        {
            instance.ExpireAccessTokens();
        }

        var refreshesBefore = app.Dev.Stats.RefreshRequests;
        var commandsBefore = storeCommands();

        var (wall, outcomes) = await ReleaseAsync(owner, call, ct);

        var refreshCalls = app.Dev.Stats.RefreshRequests - refreshesBefore;
        var commands = storeCommands() - commandsBefore;
        var failures = outcomes.Where(outcome => !outcome.Succeeded).ToList();
        var topError = failures.GroupBy(outcome => outcome.Error).OrderByDescending(group => group.Count()).FirstOrDefault()?.Key;
        var distinct = outcomes.Where(outcome => outcome.Succeeded).Select(outcome => outcome.AccessToken).Distinct().Count();

        // Can the stored connection still be refreshed afterwards (by the library)? With rotation on and reuse detection,
        // a provider may revoke the whole token family when a redeemed refresh token comes back.
        app.ExpireAccessTokens();
        var next = await app.GetValidTokenAsync(owner, ct);

        var result = new StormResult(name, settings.Callers, refreshCalls, failures.Count, topError, distinct, wall, single, floorWall, commands, next.Succeeded);
        output.WriteLine(
            $"{name}: {result.Callers} callers, {result.RefreshCalls} token-endpoint refresh calls, {result.Failures} failed" +
            $"{(topError is null ? string.Empty : $" (mostly {topError})")}, {distinct} distinct token(s), wall {Ms(wall)} ms = {result.Ratio:0.00}x a single refresh" +
            $" (the same callers on a valid token: {Ms(floorWall)} ms, so the expiry added {result.OverFloor:0.00}x a single refresh)," +
            $" {commands} store commands, connection {(next.Succeeded ? "still refreshable" : $"dead afterwards ({next.Status}, {next.Error})")}");
        return result;
    }

    /// <summary>Parks N callers behind one gate, opens it and waits for every answer.</summary>
    private async Task<(TimeSpan Wall, NaiveOutcome[] Outcomes)> ReleaseAsync(
        string owner, Func<int, string, CancellationToken, Task<NaiveOutcome>> call, CancellationToken ct)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = new Task<NaiveOutcome>[settings.Callers];
        for (var i = 0; i < callers.Length; i++)
        {
            callers[i] = CallAfterAsync(gate.Task, i, owner, call, ct);
        }

        var started = Stopwatch.GetTimestamp();
        gate.SetResult();
        var outcomes = await Task.WhenAll(callers);
        return (Stopwatch.GetElapsedTime(started), outcomes);
    }

    private static async Task<NaiveOutcome> CallAfterAsync(
        Task gate, int index, string owner, Func<int, string, CancellationToken, Task<NaiveOutcome>> call, CancellationToken ct)
    {
        await gate;
        try
        {
            return await call(index, owner, ct);
        }
        catch (Exception exception)
        {
            return new NaiveOutcome(false, false, false, exception.GetType().Name, null);
        }
    }

    private static void Require(TokenResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The {what} answered {result.Status} ({result.Error}).");
        }
    }

    internal static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>What one storm runs against: its name, the app instances (the first connects the user), how caller <c>i</c>
    /// asks for the token, and how store commands are counted.</summary>
    private sealed record StormTarget(string Name, IReadOnlyList<BenchApp> Apps, Func<int, string, CancellationToken, Task<NaiveOutcome>> Call, Func<long> StoreCommands)
    {
        public static StormTarget Library(string name, BenchApp app)
            => new(name, [app], (_, owner, token) => LibraryCallAsync(app, owner, token), () => app.Commands.Count);
    }
}

/// <summary>The results of one storm run, printable as the Markdown table of <c>docs/performance.md</c>.</summary>
internal sealed record StormReport(StormSettings Settings, long ValidPathStoreCommands, TimeSpan SingleRefresh, IReadOnlyList<StormResult> Results)
{
    public StormResult Library => Results[0];

    public StormResult Naive => Results[1];

    public StormResult Cached => Results[2];

    /// <summary>Gets the storm spread over several instances, when <see cref="StormSettings.Instances"/> asked for one.</summary>
    public StormResult? Spread => Results.Count > 3 ? Results[3] : null;

    public string ToMarkdown()
    {
        var table = new StringBuilder();
        table.AppendLine("| implementation | callers | token-endpoint refresh calls | failed callers | distinct tokens | wall (ms) | single refresh (ms) | wall / single | same callers, valid token (ms) | (wall - valid) / single | store commands | connection afterwards |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in Results)
        {
            var failures = r.Failures == 0 ? "0" : $"{r.Failures} ({r.TopError})";
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Implementation} | {r.Callers} | {r.RefreshCalls} | {failures} | {r.DistinctTokens} | {StormRunner.Ms(r.Wall)} | {StormRunner.Ms(r.SingleRefresh)} | {r.Ratio:0.00}x | {StormRunner.Ms(r.ValidFloor)} | {r.OverFloor:0.00}x | {r.StoreCommands} | {(r.SurvivesNextRefresh ? "refreshable" : "dead (re-auth)")} |");
        }

        return table.ToString();
    }
}

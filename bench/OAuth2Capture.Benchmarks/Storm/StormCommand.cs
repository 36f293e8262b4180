namespace OAuth2Capture.Benchmarks.Storm;

/// <summary>The <c>storm</c> mode: one bounded storm run, printed as a Markdown table.</summary>
internal static class StormCommand
{
    public static readonly StormSettings Defaults = new(Callers: 1000, Singles: 5, Timeout: TimeSpan.FromSeconds(180));

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        var settings = StormSettings.Parse(args, Defaults);
        output.WriteLine($"storm: {settings.Callers} callers, {settings.Singles} single refreshes, bounded to {settings.Timeout.TotalSeconds:0} s, 127.0.0.1 only" +
            (settings.Instances > 1 ? $"; then spread over {settings.Instances} instances on one {settings.Store} store" : string.Empty));
        var report = await new StormRunner(settings, output).RunAsync(CancellationToken.None);
        output.WriteLine();
        output.WriteLine($"valid path: {report.ValidPathStoreCommands} store command(s) per GetValidTokenAsync call");
        output.WriteLine();
        output.Write(report.ToMarkdown());
        return 0;
    }
}

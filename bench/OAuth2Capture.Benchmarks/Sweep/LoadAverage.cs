namespace OAuth2Capture.Benchmarks.Sweep;

/// <summary>The machine's load average, for the record of each run (the machine is shared: see docs/performance.md).</summary>
internal static class LoadAverage
{
    /// <summary>Gets the 1, 5 and 15 minute load averages as <c>uptime</c> prints them, or "n/a" off Linux.</summary>
    public static string Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]}, {fields[1]}, {fields[2]}";
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}

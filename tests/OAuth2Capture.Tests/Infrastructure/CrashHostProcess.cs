using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// The app as a separate process: <c>tests/OAuth2Capture.CrashHost</c> (built with the solution) run by <c>dotnet</c> on a
/// fixed port, a SQLite file and a key ring directory that outlive it, so it can be killed (SIGKILL) and started again on
/// the same data. The process is always killed on dispose.
/// </summary>
internal sealed class CrashHostProcess : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;
    private readonly StringBuilder output;

    private CrashHostProcess(Process process, StringBuilder output)
    {
        this.process = process;
        this.output = output;
    }

    /// <summary>Gets what the process wrote so far (its warnings and errors), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Starts the host and waits (bounded) until it answers.</summary>
    public static async Task<CrashHostProcess> StartAsync(Uri baseUri, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostPath());
        start.ArgumentList.Add($"--urls={baseUri.GetLeftPart(UriPartial.Authority)}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new CrashHostProcess(process, output);
        try
        {
            await host.WaitReadyAsync(baseUri, cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown, no lease released, nothing flushed.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        process.Dispose();
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string HostPath()
    {
        // tests/OAuth2Capture.Tests/bin/{Configuration}/{tfm}/ → tests/OAuth2Capture.CrashHost/bin/{Configuration}/{tfm}/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var tests = here.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "OAuth2Capture.CrashHost", "bin", configuration, tfm, "OAuth2Capture.CrashHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the crash host is missing.", path);
    }

    private async Task WaitReadyAsync(Uri baseUri, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = Stopwatch.StartNew();
        while (until.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The crash host exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(baseUri, "ready"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The crash host did not answer within {ReadyTimeout}:\n{Output}");
    }
}

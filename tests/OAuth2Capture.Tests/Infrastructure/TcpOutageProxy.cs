using System.Net;
using System.Net.Sockets;

namespace OAuth2Capture.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real server (the shared PostgreSQL), which a test can "stop" and "start" to play
/// a store that goes away: <see cref="Stop"/> closes the listener and resets every proxied connection (RST), so the app's
/// pool sees real broken connections and new connects are refused; <see cref="Start"/> listens again on the same port.
/// </summary>
/// <remarks>
/// Why a proxy: the PostgreSQL cluster on 127.0.0.1:5432 is shared by tests running at the same time (and by other
/// worktrees), so stopping it for real would break them. Between the app and the server the proxy cuts exactly what a stopped
/// server would: every open connection and every new one. Only this test's connection string goes through it.
/// </remarks>
internal sealed class TcpOutageProxy : IAsyncDisposable
{
    private readonly IPEndPoint upstream;
    private readonly Lock gate = new();
    private readonly List<Socket> open = [];
    private TcpListener? listener;
    private CancellationTokenSource? running;

    private TcpOutageProxy(IPEndPoint upstream, int port)
    {
        this.upstream = upstream;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Gets how many client connections the proxy accepted in all.</summary>
    public int Accepted { get; private set; }

    public static TcpOutageProxy Start(string upstreamHost, int upstreamPort)
    {
        var address = IPAddress.TryParse(upstreamHost, out var ip) ? ip : Dns.GetHostAddresses(upstreamHost).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var proxy = new TcpOutageProxy(new IPEndPoint(address, upstreamPort), port);
        proxy.Start();
        return proxy;
    }

    /// <summary>Listens again (on the same port) after <see cref="Stop"/>.</summary>
    public void Start()
    {
        lock (gate)
        {
            if (listener is not null)
            {
                return;
            }

            var started = new TcpListener(IPAddress.Loopback, Port);
            started.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            started.Start();
            listener = started;
            running = new CancellationTokenSource();
            _ = AcceptAsync(started, running.Token);
        }
    }

    /// <summary>The store goes away: no more connects, and every open connection is reset.</summary>
    public void Stop()
    {
        List<Socket> toReset;
        lock (gate)
        {
            running?.Cancel();
            listener?.Stop();
            listener = null;
            toReset = [.. open];
            open.Clear();
        }

        foreach (var socket in toReset)
        {
            Reset(socket);
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // close with RST, as a dead server's host would answer
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task AcceptAsync(TcpListener accepting, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await accepting.AcceptSocketAsync(stopping);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = PipeAsync(client, stopping);
        }
    }

    private async Task PipeAsync(Socket client, CancellationToken stopping)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lock (gate)
        {
            if (stopping.IsCancellationRequested)
            {
                Reset(client);
                server.Dispose();
                return;
            }

            Accepted++;
            open.Add(client);
            open.Add(server);
        }

        try
        {
            await server.ConnectAsync(upstream, stopping);
            await Task.WhenAny(CopyAsync(client, server), CopyAsync(server, client));
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (gate)
            {
                open.Remove(client);
                open.Remove(server);
            }

            Reset(client);
            Reset(server);
        }
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }
}

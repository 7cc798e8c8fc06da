using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cal.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, no persistence, stopped on dispose. Tests that need
/// one are ignored when <c>redis-server</c> is not installed (CI installs it: <c>.ci/run</c>).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string binary;
    private Process process;

    private RedisServer(string binary, int port)
    {
        this.binary = binary;
        Port = port;
        process = Launch();
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static RedisServer StartOrIgnore()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            NUnit.Framework.Assert.Ignore("redis-server is not installed (apt-get install redis-server); .ci/run installs it.");
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var server = new RedisServer(binary!, port);
        try
        {
            server.WaitUntilListening();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>Stops the server (every connection drops, everything it held is gone) and starts a fresh one on the same port.</summary>
    public void Restart()
    {
        Stop();
        process.Dispose();
        process = Launch();
        WaitUntilListening();
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, nothing is answered, as a hung Redis behaves.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {process.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private Process Launch() =>
        Process.Start(
            new ProcessStartInfo(binary, $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --protected-mode yes")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;

    private void WaitUntilListening()
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException("redis-server did not start");
    }

    private void Stop()
    {
        if (!process.HasExited)
        {
            Signal("CONT"); // a paused server must be running to die
        }

        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    private bool disposed;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Stop();
        process.Dispose();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cal.Testing;

/// <summary>
/// A real PostgreSQL server in a temporary data directory on a free loopback port (trust authentication,
/// no fsync), stopped and deleted on dispose. Tests that need one are ignored when PostgreSQL is not
/// installed (CI installs it: <c>.ci/run</c>). As root, the server runs as the <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string bin;
    private readonly string directory;
    private bool disposed;

    private PostgresServer(string bin, string directory, int port)
    {
        this.bin = bin;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database = "cal") => $"Host=127.0.0.1;Port={Port};Username=cal;Database={database};Pooling=true";

    public static PostgresServer StartOrIgnore()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory
                .GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .Order()
                .LastOrDefault()
            : null;
        if (bin is null)
        {
            NUnit.Framework.Assert.Ignore("PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it.");
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var directory = Path.Combine(Path.GetTempPath(), "cal-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var server = new PostgresServer(bin!, directory, port);
        if (Environment.UserName == "root")
        {
            Run("chown", $"postgres {directory}");
        }

        server.RunAsOwner("initdb", $"-D {directory}/data -A trust -U cal --no-sync -E UTF8");
        server.RunAsOwner(
            "pg_ctl",
            $"-D {directory}/data -l {directory}/log -w -o \"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off\" start"
        );
        return server;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            RunAsOwner("pg_ctl", $"-D {directory}/data -m immediate -w stop");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private void RunAsOwner(string tool, string arguments)
    {
        var path = Path.Combine(bin, tool);
        if (Environment.UserName == "root")
        {
            Run("runuser", $"-u postgres -- {path} {arguments}");
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string file, string arguments)
    {
        using var process = Process.Start(
            new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true }
        )!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {error} {output.Result}");
        }
    }
}

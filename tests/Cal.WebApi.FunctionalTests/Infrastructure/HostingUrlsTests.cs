using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>
/// The built server (<c>dotnet Cal.WebApi.dll</c>, as a container or process manager runs it) listens where the standard
/// .NET settings say: <c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>, <c>Kestrel:Endpoints</c>.
/// <c>appsettings.json</c> names no address, so none is overridden; with none of them, Cal listens on http://localhost:5080.
/// </summary>
[NonParallelizable]
public sealed class HostingUrlsTests
{
    private string data = null!;

    [SetUp]
    public void SetUp() => data = Directory.CreateTempSubdirectory("cal-hosting-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(data, recursive: true);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Starts the dll with <paramref name="args"/> and <paramref name="environment"/>; true if /health/live answers on
    /// <paramref name="port"/>.</summary>
    private async Task<bool> ReachableAsync(int port, string[] args, Dictionary<string, string> environment)
    {
        var dll = WebApiProcess.Dll();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (
            var arg in args.Concat([
                $"--ConnectionStrings:Default=Data Source={Path.Combine(data, "cal.db")}",
                $"--DataProtection:KeysPath={Path.Combine(data, "keys")}",
                "--FeedCache:WarmUp=false",
            ])
        )
        {
            start.ArgumentList.Add(arg);
        }

        // A clean slate: nothing from the test runner's own environment decides the address.
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "URLS" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            for (var attempt = 0; attempt < 100 && !process.HasExited; attempt++)
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health/live")).IsSuccessStatusCode)
                    {
                        return true;
                    }
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }

                await Task.Delay(100);
            }

            return false;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Test]
    public async Task TheUrlsArgument()
    {
        var port = FreePort();
        Assert.That(await ReachableAsync(port, ["--urls", $"http://127.0.0.1:{port}"], []), Is.True);
    }

    [Test]
    public async Task AspNetCoreUrls()
    {
        var port = FreePort();
        Assert.That(await ReachableAsync(port, [], new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }), Is.True);
    }

    [Test]
    public async Task AspNetCoreHttpPorts_AsTheOfficialImagesSetIt()
    {
        var port = FreePort();
        Assert.That(
            await ReachableAsync(
                port,
                [],
                new() { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            ),
            Is.True
        );
    }

    [Test]
    public async Task KestrelEndpoints_FromConfiguration()
    {
        var port = FreePort();
        Assert.That(await ReachableAsync(port, [], new() { ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{port}" }), Is.True);
    }

    [Test]
    public async Task TheUrlsArgument_WinsOverAspNetCoreUrls()
    {
        var (argument, environment) = (FreePort(), FreePort());
        Assert.That(
            await ReachableAsync(
                argument,
                ["--urls", $"http://127.0.0.1:{argument}"],
                new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{environment}" }
            ),
            Is.True
        );
    }

    [Test]
    public async Task WithNothingSet_ItListensOnLocalhost5080()
    {
        using (var probe = new TcpClient())
        {
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, 5080);
                Assert.Inconclusive(
                    "something already listens on 127.0.0.1:5080 (a Cal started with dotnet run?): stop it to run this test"
                );
            }
            catch (SocketException)
            {
                // free: the test can take it
            }
        }

        Assert.That(await ReachableAsync(5080, [], []), Is.True, "Cal's documented default, for dotnet run and the built server alike");
    }

    [Test]
    public void AppsettingsNamesNoAddress_AndThereIsNoLaunchProfile()
    {
        var project = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(WebApiProcess.Dll())!, "..", "..", ".."));
        var appsettings = File.ReadAllText(Path.Combine(project, "appsettings.json"));

        Assert.That(
            appsettings,
            Does.Not.Contain("\"Urls\"").And.Not.Contain("\"Kestrel\""),
            "an address in appsettings.json would outrank ASPNETCORE_URLS"
        );
        Assert.That(
            File.Exists(Path.Combine(project, "Properties", "launchSettings.json")),
            Is.False,
            "dotnet run applies a launch profile over ASPNETCORE_URLS"
        );
    }
}

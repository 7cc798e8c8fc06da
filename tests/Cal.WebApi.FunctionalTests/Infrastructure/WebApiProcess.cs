using System.Diagnostics;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>Runs the built Cal.WebApi as its own process, as an operator or a script would.</summary>
public static class WebApiProcess
{
    public static string Dll()
    {
        // tests/Cal.WebApi.FunctionalTests/bin/<Configuration>/net10.0 -> src/Cal.WebApi/bin/<Configuration>/net10.0
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Cal.WebApi", "bin", configuration, testBin.Name, "Cal.WebApi.dll");
        Assert.That(File.Exists(dll), Is.True, dll);
        return dll;
    }

    public static async Task<(int Code, string StdOut, string StdErr)> RunAsync(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

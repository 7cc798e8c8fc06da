using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Cal.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Benchmarks;

/// <summary>The services exactly as the API registers them (AddInfrastructureServices), and the window and budget the benchmarks use.</summary>
public static class CalPaths
{
    /// <summary>
    /// Far above the API's default per-feed budget (100,000 occurrences, 2 s), so the whole year is always expanded and
    /// compared: a cold process's first read can take longer than 2 s. A benchmark that still hits it fails.
    /// </summary>
    public static BusyTimeBudget Budget { get; } = new(10_000_000, TimeSpan.FromMinutes(5));

    public static BusyWindow Window(string? from, string? to, string? zone) => new(
        DateTimeOffset.Parse(from ?? "2026-01-01T00:00:00Z", CultureInfo.InvariantCulture),
        DateTimeOffset.Parse(to ?? "2027-01-01T00:00:00Z", CultureInfo.InvariantCulture),
        zone ?? "Europe/Berlin");

    public static IServiceProvider Services()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "cal-benchmarks");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = "Data Source=:memory:",
            ["DataProtection:KeysPath"] = Path.Combine(scratch, "keys"),
        }).Build();
        return new ServiceCollection().AddInfrastructureServices(configuration, scratch).BuildServiceProvider();
    }

    /// <summary>
    /// In process (no generated project to build on a shared 2-core machine), one invocation per iteration (each op is
    /// hundreds of milliseconds), memory diagnoser on. CAL_BENCH_ITERATIONS overrides the iteration count (default 7).
    /// </summary>
    public static IConfig Config()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("CAL_BENCH_ITERATIONS"), CultureInfo.InvariantCulture, out var n) ? n : 7;
        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(iterations)
                .WithInvocationCount(1).WithUnrollFactor(1))
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }

    public static string File(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path ? path : throw new InvalidOperationException($"{variable} must name a feed file (see benchmarks/run-all.sh)");
}

/// <summary>P2: parse+validate of the 25 MB feed from its UTF-8 bytes (as off the socket), with the checker the save endpoint uses.</summary>
public class ParseValidate
{
    private byte[] bytes = [];
    private IIcsCalendarParser checker = null!;

    [GlobalSetup]
    public void Setup()
    {
        bytes = System.IO.File.ReadAllBytes(CalPaths.File("CAL_BENCH_FEED"));
        checker = CalPaths.Services().GetRequiredService<IIcsCalendarParser>();
    }

    [Benchmark]
    public async Task<bool> CheckFeed()
    {
        using var text = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        var result = await checker.CheckAsync(text, CancellationToken.None);
        return result.IsValid ? true : throw new InvalidOperationException("feed judged invalid");
    }
}

/// <summary>P3: busy times of the 1,000-recurring-event feed over 2026 (Europe/Berlin), with the reader GET /v2/calendars/busy-times uses.</summary>
public class BusyTimes
{
    private string text = "";
    private string mixed = "";
    private IIcsBusyTimeReader reader = null!;
    private readonly BusyWindow window = CalPaths.Window(null, null, null);

    [GlobalSetup]
    public void Setup()
    {
        text = System.IO.File.ReadAllText(CalPaths.File("CAL_BENCH_RECURRING"));
        mixed = System.IO.File.ReadAllText(CalPaths.File("CAL_BENCH_MIXED"));
        reader = CalPaths.Services().GetRequiredService<IIcsBusyTimeReader>();
    }

    [Benchmark]
    public async Task<int> ExpandOneYear()
    {
        var read = await reader.ReadAsync(new StringReader(text), window, CalPaths.Budget, CancellationToken.None);
        return read.Truncated ? throw new InvalidOperationException("budget exhausted") : read.Intervals.Count;
    }

    /// <summary>For information (no target): the 5 MB mixed feed (16,554 events, a quarter recurring) over the same year.</summary>
    [Benchmark]
    public async Task<int> ExpandOneYearMixed5MB()
    {
        var read = await reader.ReadAsync(new StringReader(mixed), window, CalPaths.Budget, CancellationToken.None);
        return read.Truncated ? throw new InvalidOperationException("budget exhausted") : read.Intervals.Count;
    }
}

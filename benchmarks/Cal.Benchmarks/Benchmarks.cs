using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Common;
using Cal.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Benchmarks;

/// <summary>The services exactly as the API registers them (AddInfrastructureServices), and the window and budget the benchmarks
/// use.</summary>
public static class CalPaths
{
    /// <summary>
    /// Far above the API's default budget (1,000,000 occurrences, 5 s), so the whole year is always expanded and
    /// compared, however cold the process. A benchmark that still hits it fails.
    /// </summary>
    public static BusyTimeBudget Budget { get; } = new(10_000_000, TimeSpan.FromMinutes(5));

    public static BusyWindow Window(string? from, string? to, string? zone) =>
        new(
            DateTimeOffset.Parse(from ?? "2026-01-01T00:00:00Z", CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(to ?? "2027-01-01T00:00:00Z", CultureInfo.InvariantCulture),
            IanaTimeZone.Parse(zone ?? "Europe/Berlin")
        );

    public static IServiceProvider Services()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "cal-benchmarks");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["ConnectionStrings:Default"] = "Data Source=:memory:",
                    ["DataProtection:KeysPath"] = Path.Combine(scratch, "keys"),
                }
            )
            .Build();
        return new ServiceCollection().AddInfrastructureServices(configuration, scratch).BuildServiceProvider();
    }

    /// <summary>
    /// In process (no generated project to build on a shared 2-core machine), one invocation per iteration (each op is
    /// hundreds of milliseconds), memory diagnoser on. CAL_BENCH_ITERATIONS overrides the iteration count (default 7).
    /// </summary>
    public static IConfig Config()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("CAL_BENCH_ITERATIONS"), CultureInfo.InvariantCulture, out var n)
            ? n
            : 7;
        return ManualConfig
            .Create(DefaultConfig.Instance)
            .AddJob(
                Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                    .WithLaunchCount(1)
                    .WithWarmupCount(2)
                    .WithIterationCount(iterations)
                    .WithInvocationCount(1)
                    .WithUnrollFactor(1)
            )
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }

    public static string File(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException($"{variable} must name a feed file (see benchmarks/run-all.sh)");
}

/// <summary>P2: parse+validate of the 25 MB feed from its UTF-8 bytes (as off the socket), with the checker the save endpoint
/// uses.</summary>
public class ParseValidate
{
    private byte[] bytes = [];
    private IIcsFeedChecker checker = null!;

    [GlobalSetup]
    public void Setup()
    {
        bytes = System.IO.File.ReadAllBytes(CalPaths.File("CAL_BENCH_FEED"));
        checker = CalPaths.Services().GetRequiredService<IIcsFeedChecker>();
    }

    [Benchmark]
    public async Task<bool> CheckFeed()
    {
        using var text = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        var result = await checker.CheckAsync(text, CancellationToken.None);
        return result.IsValid ? true : throw new InvalidOperationException("feed judged invalid");
    }
}

/// <summary>
/// Busy times the way GET /v2/calendars/busy-times reads them: a feed is indexed once per fetched version
/// (<see cref="CalIndex.Build"/>, timed apart), then each request reads the index for its window.
/// P3: the 1,000-recurring-event feed over 2026 (Europe/Berlin); the 20 MB feed (CAL_BENCH_LARGE) for a week and a year.
/// </summary>
public class BusyTimes
{
    private string recurringText = "";
    private IBusyTimeIndex recurring = null!;
    private IBusyTimeIndex mixed = null!;
    private IBusyTimeIndex? large;
    private readonly BusyWindow year = CalPaths.Window(null, null, null);
    private readonly BusyWindow week = CalPaths.Window("2026-06-01T00:00:00Z", "2026-06-08T00:00:00Z", null);

    [GlobalSetup]
    public void Setup()
    {
        recurringText = System.IO.File.ReadAllText(CalPaths.File("CAL_BENCH_RECURRING"));
        recurring = CalIndex.Build(recurringText);
        mixed = CalIndex.Build(System.IO.File.ReadAllText(CalPaths.File("CAL_BENCH_MIXED")));
        large = Environment.GetEnvironmentVariable("CAL_BENCH_LARGE") is { Length: > 0 } path
            ? CalIndex.Build(System.IO.File.ReadAllText(path))
            : null;
    }

    /// <summary>P3, per request: the whole year of 1,000 recurring events from the warm index.</summary>
    [Benchmark]
    public int ExpandOneYear() => Count(recurring.Read(year, CalPaths.Budget.StartingNow(), CancellationToken.None));

    /// <summary>P3, once per feed version: reading and indexing the 1,000-recurring-event feed.</summary>
    [Benchmark]
    public int IndexRecurringFeed() => CalIndex.Build(recurringText).EventCount;

    /// <summary>For information (no target): the 5 MB mixed feed (16,554 events, a quarter recurring) over the same year.</summary>
    [Benchmark]
    public int ExpandOneYearMixed5MB() => Count(mixed.Read(year, CalPaths.Budget.StartingNow(), CancellationToken.None));

    [Benchmark]
    public int Large20MBOneWeek() => large is null ? 0 : Count(large.Read(week, CalPaths.Budget.StartingNow(), CancellationToken.None));

    [Benchmark]
    public int Large20MBOneYear() => large is null ? 0 : Count(large.Read(year, CalPaths.Budget.StartingNow(), CancellationToken.None));

    private static int Count(BusyTimeRead read) =>
        read.Truncated ? throw new InvalidOperationException("budget exhausted") : read.Intervals.Count;
}

/// <summary>A feed read as the server reads a fetched version: checked and indexed in one streaming pass.</summary>
public static class CalIndex
{
    public static IBusyTimeIndex Build(string text)
    {
        var builder = new Cal.Infrastructure.Ical.BusyIndex.IcsIndexBuilder();
        var check = Cal
            .Infrastructure.Ical.IcsStreamingChecker.CheckAsync(new StringReader(text), builder, CancellationToken.None)
            .GetAwaiter()
            .GetResult();
        return check.Failure is { } failure
            ? throw new InvalidDataException(failure.Message)
            : builder.Build(2026, Cal.Infrastructure.Ical.Recurrence.ExpansionBudget.Unlimited());
    }
}

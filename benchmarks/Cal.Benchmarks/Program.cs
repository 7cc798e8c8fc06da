using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Running;
using Cal.Application.Common.Interfaces;
using Cal.Benchmarks;
using Microsoft.Extensions.DependencyInjection;

// Cal.Benchmarks bdn [BenchmarkDotNet args]               BenchmarkDotNet (files from CAL_BENCH_FEED, CAL_BENCH_RECURRING)
// Cal.Benchmarks busy --feed F --out F.json [--from ISO] [--to ISO] [--tz Europe/Berlin]   busy intervals as sorted UTC JSON
// Cal.Benchmarks check --feed F                          one parse+validate, with its allocation
return args.FirstOrDefault() switch
{
    "bdn" => Bdn(args[1..]),
    "busy" => await Busy(),
    "check" => await Check(),
    _ => Usage(),
};

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static int Usage()
{
    Console.Error.WriteLine(
        "usage: Cal.Benchmarks bdn [args] | busy --feed F --out F.json [--from ISO --to ISO --tz ZONE] | check --feed F"
    );
    return 2;
}

static int Bdn(string[] rest)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(CalPaths).Assembly).Run(rest, CalPaths.Config());
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}

async Task<int> Busy()
{
    var feed = Option("--feed") ?? throw new ArgumentException("--feed");
    var window = CalPaths.Window(Option("--from"), Option("--to"), Option("--tz"));
    var text = await File.ReadAllTextAsync(feed);
    var clock = Stopwatch.StartNew();
    var index = CalIndex.Build(text);
    var indexed = clock.Elapsed;
    clock.Restart();
    var read = index.Read(window, CalPaths.Budget.StartingNow(), CancellationToken.None);
    clock.Stop();
    if (int.TryParse(Option("--repeat"), CultureInfo.InvariantCulture, out var repeat) && repeat > 0)
    {
        // Warm reads of the same index, as requests after the first make them.
        var times = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var warm = Stopwatch.StartNew();
            index.Read(window, CalPaths.Budget.StartingNow(), CancellationToken.None);
            times.Add(warm.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.Error.WriteLine($"cal: warm read p50 {times[times.Count / 2]:0.00} ms, min {times[0]:0.00} ms over {repeat}");
    }

    var json = new StringBuilder("[\n");
    for (var i = 0; i < read.Intervals.Count; i++)
    {
        var interval = read.Intervals[i];
        json.Append(
                CultureInfo.InvariantCulture,
                $"[\"{interval.Start.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"{interval.End.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\"]"
            )
            .Append(i + 1 < read.Intervals.Count ? ",\n" : "\n");
    }

    await File.WriteAllTextAsync(Option("--out") ?? "cal-busy.json", json.Append("]\n").ToString());
    Console.Error.WriteLine(
        $"cal: {read.Intervals.Count} intervals, truncated={read.Truncated}, index {indexed.TotalMilliseconds:0} ms + read {clock.Elapsed.TotalMilliseconds:0} ms (cold, one run)"
    );
    return read.Truncated ? 1 : 0;
}

async Task<int> Check()
{
    var bytes = await File.ReadAllBytesAsync(Option("--feed") ?? throw new ArgumentException("--feed"));
    var checker = CalPaths.Services().GetRequiredService<IIcsFeedChecker>();
    IcsCheckResult? result = null;
    for (var run = 1; run <= 3; run++)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        using var text = new StreamReader(new MemoryStream(bytes), Encoding.UTF8);
        result = await checker.CheckAsync(text, CancellationToken.None);
        clock.Stop();
        Console.Error.WriteLine(
            $"cal check run {run}: valid={result.IsValid}, {clock.Elapsed.TotalMilliseconds:0} ms, allocated {GC.GetTotalAllocatedBytes(precise: true) - before} bytes for a {bytes.Length}-byte feed"
        );
    }

    return result!.IsValid ? 0 : 1;
}

using System.Globalization;
using System.Net;
using System.Text;

// feedgen generate --size 25MB --seed 42 --out feed.ics
// feedgen serve --dir DIR --port N          (127.0.0.1 only)
return args.FirstOrDefault() switch
{
    "generate" when Option("--recurring") is { } count => GenerateRecurring(
        int.Parse(count, CultureInfo.InvariantCulture),
        int.Parse(Option("--seed") ?? "42", CultureInfo.InvariantCulture),
        Option("--out") ?? "recurring.ics"
    ),
    "generate" => Generate(
        Option("--size") ?? "5MB",
        int.Parse(Option("--seed") ?? "42", CultureInfo.InvariantCulture),
        Option("--out") ?? "feed.ics"
    ),
    "serve" => await Serve(Option("--dir") ?? ".", int.Parse(Option("--port") ?? "0", CultureInfo.InvariantCulture)),
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
        "usage: feedgen generate --size 100KB|5MB|25MB --seed N --out FILE | feedgen generate --recurring 1000 --seed N --out FILE | feedgen serve --dir DIR --port N"
    );
    return 2;
}

static int Generate(string size, int seed, string output)
{
    var target = ParseSize(size);
    var (text, events, recurring) = FeedGenerator.Create(target, seed);
    File.WriteAllText(output, text, new UTF8Encoding(false));
    Console.Error.WriteLine($"{output}: {Encoding.UTF8.GetByteCount(text)} bytes, {events} events, {recurring} recurring (seed {seed})");
    return 0;
}

static int GenerateRecurring(int count, int seed, string output)
{
    var text = FeedGenerator.CreateRecurring(count, seed);
    File.WriteAllText(output, text, new UTF8Encoding(false));
    Console.Error.WriteLine($"{output}: {Encoding.UTF8.GetByteCount(text)} bytes, {count} recurring events (seed {seed})");
    return 0;
}

static long ParseSize(string size) =>
    size.ToUpperInvariant() switch
    {
        var s when s.EndsWith("MB", StringComparison.Ordinal) => long.Parse(s[..^2], CultureInfo.InvariantCulture) * 1024 * 1024,
        var s when s.EndsWith("KB", StringComparison.Ordinal) => long.Parse(s[..^2], CultureInfo.InvariantCulture) * 1024,
        var s => long.Parse(s, CultureInfo.InvariantCulture),
    };

static async Task<int> Serve(string directory, int port)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
    var app = builder.Build();
    var root = Path.GetFullPath(directory);
    app.MapGet(
        "/{name}",
        async (string name, int? delayMs, CancellationToken ct) =>
        {
            var file = Path.Combine(root, Path.GetFileName(name));
            if (delayMs is > 0)
            {
                await Task.Delay(delayMs.Value, ct);
            }

            return File.Exists(file) ? Results.File(file, "text/calendar") : Results.NotFound();
        }
    );
    await app.StartAsync();
    Console.WriteLine(app.Urls.Single());
    await app.WaitForShutdownAsync();
    return 0;
}

/// <summary>
/// A realistic export (Google/Outlook-like): three VTIMEZONEs, ~60% single timed events, ~10% all-day,
/// ~25% weekly/daily/monthly recurring (some with EXDATE and RECURRENCE-ID overrides), a few cancelled and
/// transparent ones, folded long descriptions. Same size and seed, same bytes.
/// </summary>
internal static class FeedGenerator
{
    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata"];

    private const string TimeZones =
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        + "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\nDTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\nDTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        + "BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nTZNAME:IST\r\nDTSTART:19700101T000000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

    public static (string Text, int Events, int Recurring) Create(long targetBytes, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder((int)Math.Min(targetBytes + 4096, int.MaxValue / 2));
        text.Append(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cal//Benchmarks//EN\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:Benchmark\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
        );
        text.Append(TimeZones);
        var baseDate = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        int events = 0,
            recurring = 0;
        const string end = "END:VCALENDAR\r\n";
        while (text.Length + end.Length < targetBytes)
        {
            var uid = $"evt-{seed}-{events}@cal.bench";
            var day = baseDate.AddDays(random.Next(0, 365)).AddHours(random.Next(7, 19)).AddMinutes(15 * random.Next(0, 4));
            var zone = Zones[random.Next(Zones.Length)];
            var kind = random.Next(100);
            var vevent = new StringBuilder();
            vevent.Append("BEGIN:VEVENT\r\n").Append("UID:").Append(uid).Append("\r\nDTSTAMP:20260101T000000Z\r\n");
            if (kind < 10)
            {
                vevent.Append(
                    CultureInfo.InvariantCulture,
                    $"DTSTART;VALUE=DATE:{day:yyyyMMdd}\r\nDTEND;VALUE=DATE:{day.AddDays(1):yyyyMMdd}\r\n"
                );
            }
            else
            {
                vevent.Append(CultureInfo.InvariantCulture, $"DTSTART;TZID={zone}:{day:yyyyMMdd'T'HHmmss}\r\n");
                vevent.Append(
                    random.Next(2) == 0
                        ? string.Create(
                            CultureInfo.InvariantCulture,
                            $"DTEND;TZID={zone}:{day.AddMinutes(30 * random.Next(1, 5)):yyyyMMdd'T'HHmmss}\r\n"
                        )
                        : string.Create(CultureInfo.InvariantCulture, $"DURATION:PT{30 * random.Next(1, 5)}M\r\n")
                );
            }

            var isRecurring = kind is >= 10 and < 35;
            var weekly = false;
            if (isRecurring)
            {
                recurring++;
                var ruleKind = random.Next(3);
                weekly = ruleKind == 0;
                var rule = ruleKind switch
                {
                    // BYDAY is the start's own weekday, so day+7 and day+14 are real instances (for EXDATE and overrides).
                    0 => string.Create(
                        CultureInfo.InvariantCulture,
                        $"FREQ=WEEKLY;BYDAY={day.DayOfWeek.ToString()[..2].ToUpperInvariant()};COUNT={random.Next(5, 60)}"
                    ),
                    1 => string.Create(
                        CultureInfo.InvariantCulture,
                        $"FREQ=DAILY;INTERVAL={random.Next(1, 4)};UNTIL={day.AddDays(random.Next(10, 90)):yyyyMMdd'T'HHmmss'Z'}"
                    ),
                    _ => string.Create(CultureInfo.InvariantCulture, $"FREQ=MONTHLY;BYMONTHDAY={day.Day};COUNT={random.Next(3, 13)}"),
                };
                vevent.Append("RRULE:").Append(rule).Append("\r\n");
                if (weekly && random.Next(3) == 0)
                {
                    vevent.Append(CultureInfo.InvariantCulture, $"EXDATE;TZID={zone}:{day.AddDays(7):yyyyMMdd'T'HHmmss}\r\n");
                }
            }

            if (kind is >= 35 and < 38)
            {
                vevent.Append("STATUS:CANCELLED\r\n");
            }
            else if (kind is >= 38 and < 40)
            {
                vevent.Append("TRANSP:TRANSPARENT\r\n");
            }

            vevent.Append("SUMMARY:Meeting ").Append(events).Append("\r\n");
            vevent.Append("LOCATION:Room ").Append(random.Next(1, 40)).Append("\r\n");
            AppendFolded(
                vevent,
                "DESCRIPTION:" + string.Join(' ', Enumerable.Range(0, random.Next(1, 25)).Select(i => Words[random.Next(Words.Length)]))
            );
            vevent.Append("END:VEVENT\r\n");

            if (weekly && random.Next(4) == 0)
            {
                // An override of the third instance, moved by an hour.
                var second = day.AddDays(14);
                vevent
                    .Append("BEGIN:VEVENT\r\nUID:")
                    .Append(uid)
                    .Append("\r\nDTSTAMP:20260101T000000Z\r\n")
                    .Append(CultureInfo.InvariantCulture, $"RECURRENCE-ID;TZID={zone}:{second:yyyyMMdd'T'HHmmss}\r\n")
                    .Append(CultureInfo.InvariantCulture, $"DTSTART;TZID={zone}:{second.AddHours(1):yyyyMMdd'T'HHmmss}\r\n")
                    .Append(CultureInfo.InvariantCulture, $"DTEND;TZID={zone}:{second.AddHours(2):yyyyMMdd'T'HHmmss}\r\n")
                    .Append("SUMMARY:Moved\r\nEND:VEVENT\r\n");
            }

            if (text.Length + vevent.Length + end.Length > targetBytes)
            {
                break; // never over the target: a "25 MB" feed must fit a 25 MB cap
            }

            text.Append(vevent);
            events++;
        }

        text.Append(end);
        return (text.ToString(), events, recurring);
    }

    /// <summary>
    /// <paramref name="count"/> recurring events that all recur through 2026 (for busy-time expansion over one year):
    /// weekly on one or more days, daily with an interval, monthly by day, each in one of the three zones or all-day,
    /// a third of the weekly ones with an EXDATE, a quarter with a moved RECURRENCE-ID override, a few cancelled overrides.
    /// </summary>
    public static string CreateRecurring(int count, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        text.Append("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cal//Benchmarks//EN\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:Recurring\r\n");
        text.Append(TimeZones);
        string[] days = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
        for (var i = 0; i < count; i++)
        {
            var uid = $"rec-{seed}-{i}@cal.bench";
            var day = new DateTime(2025, 12, 1, 0, 0, 0, DateTimeKind.Unspecified)
                .AddDays(random.Next(0, 60))
                .AddHours(random.Next(7, 19))
                .AddMinutes(15 * random.Next(0, 4));
            var zone = Zones[random.Next(Zones.Length)];
            var allDay = random.Next(10) == 0;
            var minutes = 30 * random.Next(1, 5);
            text.Append("BEGIN:VEVENT\r\nUID:").Append(uid).Append("\r\nDTSTAMP:20260101T000000Z\r\n");
            if (allDay)
            {
                text.Append(
                    CultureInfo.InvariantCulture,
                    $"DTSTART;VALUE=DATE:{day:yyyyMMdd}\r\nDTEND;VALUE=DATE:{day.AddDays(1):yyyyMMdd}\r\n"
                );
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"DTSTART;TZID={zone}:{day:yyyyMMdd'T'HHmmss}\r\n");
                text.Append(
                    random.Next(2) == 0
                        ? string.Create(CultureInfo.InvariantCulture, $"DTEND;TZID={zone}:{day.AddMinutes(minutes):yyyyMMdd'T'HHmmss}\r\n")
                        : string.Create(CultureInfo.InvariantCulture, $"DURATION:PT{minutes}M\r\n")
                );
            }

            var ruleKind = random.Next(10);
            var weekly = ruleKind < 6;
            var own = days[(int)day.DayOfWeek];
            var rule = ruleKind switch
            {
                < 4 => $"FREQ=WEEKLY;BYDAY={own}",
                < 6 => $"FREQ=WEEKLY;INTERVAL=2;BYDAY={own},{days[((int)day.DayOfWeek + 2) % 7]}",
                < 8 => string.Create(CultureInfo.InvariantCulture, $"FREQ=DAILY;INTERVAL={random.Next(1, 4)};COUNT={random.Next(30, 200)}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"FREQ=MONTHLY;BYMONTHDAY={day.Day};UNTIL=20271231T235959Z"),
            };
            text.Append("RRULE:").Append(rule).Append("\r\n");
            var stamp = allDay ? "yyyyMMdd" : "yyyyMMdd'T'HHmmss";
            var zoneParam = allDay ? ";VALUE=DATE" : $";TZID={zone}";
            if (weekly && random.Next(3) == 0)
            {
                text.Append("EXDATE")
                    .Append(zoneParam)
                    .Append(':')
                    .Append(day.AddDays(7 * random.Next(1, 20)).ToString(stamp, CultureInfo.InvariantCulture))
                    .Append("\r\n");
            }

            if (random.Next(50) == 0)
            {
                text.Append("TRANSP:TRANSPARENT\r\n");
            }

            text.Append("SUMMARY:Series ").Append(i).Append("\r\nEND:VEVENT\r\n");
            if (weekly && !allDay && random.Next(4) == 0)
            {
                // A real instance: every week, or every other week for INTERVAL=2 (an override of no instance is undefined:
                // Ical.Net adds it as an extra occurrence, ical.js drops it; benchmarks/README.md).
                var moved = day.AddDays((ruleKind < 4 ? 7 : 14) * random.Next(1, 30));
                text.Append("BEGIN:VEVENT\r\nUID:")
                    .Append(uid)
                    .Append("\r\nDTSTAMP:20260101T000000Z\r\n")
                    .Append(CultureInfo.InvariantCulture, $"RECURRENCE-ID;TZID={zone}:{moved:yyyyMMdd'T'HHmmss}\r\n")
                    .Append(CultureInfo.InvariantCulture, $"DTSTART;TZID={zone}:{moved.AddHours(1):yyyyMMdd'T'HHmmss}\r\n")
                    .Append(CultureInfo.InvariantCulture, $"DTEND;TZID={zone}:{moved.AddHours(2):yyyyMMdd'T'HHmmss}\r\n")
                    .Append(random.Next(5) == 0 ? "STATUS:CANCELLED\r\n" : "")
                    .Append("SUMMARY:Moved\r\nEND:VEVENT\r\n");
            }
        }

        text.Append("END:VCALENDAR\r\n");
        return text.ToString();
    }

    private static readonly string[] Words =
        "agenda review planning budget roadmap sync retro demo hiring customer launch design release offsite quarterly".Split(' ');

    private static void AppendFolded(StringBuilder builder, string line)
    {
        for (var i = 0; i < line.Length; i += 74)
        {
            builder.Append(i == 0 ? "" : " ").Append(line, i, Math.Min(74, line.Length - i)).Append("\r\n");
        }
    }
}

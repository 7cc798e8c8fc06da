using System.Globalization;
using System.Text;
using Cal.Application.Calendars.Common;
using Cal.Domain.Common;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Ical.BusyIndex;
using Cal.Infrastructure.Ical.Recurrence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>
/// Right after start-up, in the background, reads a small synthetic feed (zoned, all-day and recurring events, an EXDATE,
/// an override, a VTIMEZONE) through the checker, the index builder and a week's and a year's read, a few times over,
/// so the just-in-time compiler has done its work before the first real feed arrives: on a fresh process the first
/// busy-times answer for a 20 MB feed otherwise spends about half its time compiling (benchmarks/README.md).
/// Off with <c>FeedCache:WarmUp=false</c>. Nothing it does is visible: no fetch, no cache entry, no log above Debug.
/// </summary>
internal sealed partial class IndexWarmUp(IOptions<FeedCacheOptions> options, TimeProvider time, ILogger<IndexWarmUp> logger)
    : BackgroundService
{
    private const int Rounds = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUp)
        {
            return;
        }

        await Task.Yield(); // never on the start-up path
        try
        {
            var year = time.GetUtcNow().Year;
            var feed = SyntheticFeed(year, events: 1_500);
            var started = time.GetTimestamp();
            for (var round = 0; round < Rounds && !stoppingToken.IsCancellationRequested; round++)
            {
                var builder = new IcsIndexBuilder();
                await IcsStreamingChecker.CheckAsync(new StringReader(feed), builder, stoppingToken);
                var index = builder.Build(year, ExpansionBudget.For(long.MaxValue, TimeSpan.FromSeconds(5), stoppingToken));
                var from = new DateTimeOffset(year, 6, 1, 0, 0, 0, TimeSpan.Zero);
                index.Read(
                    new BusyWindow(from, from.AddDays(7), IanaTimeZone.Parse("Europe/Berlin")),
                    BusyTimeBudget.Default.StartingNow(),
                    stoppingToken
                );
                index.Read(
                    new BusyWindow(from.AddMonths(-5), from.AddMonths(7), IanaTimeZone.Utc),
                    BusyTimeBudget.Default.StartingNow(),
                    stoppingToken
                );
            }

            LogWarmedUp(logger, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>A deterministic feed with the shapes real exports have (see benchmarks/feedgen for the full-size kind).</summary>
    internal static string SyntheticFeed(int year, int events)
    {
        var text = new StringBuilder(events * 220);
        text.Append(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cal//Warm-up//EN\r\nX-WR-CALNAME:Warm-up\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
        );
        text.Append(
                "BEGIN:VTIMEZONE\r\nTZID:Custom/Office\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
                    + "DTSTART:19700329T020000\r\n"
            )
            .Append(
                "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
            )
            .Append("DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n");
        var first = new DateTime(year - 1, 1, 5, 9, 0, 0, DateTimeKind.Unspecified);
        for (var i = 0; i < events; i++)
        {
            var start = first.AddDays(i % 700).AddHours(i % 9);
            var series = i % 10 == 4 ? i - 3 : i; // an override of the weekly series three events back
            text.Append(CultureInfo.InvariantCulture, $"BEGIN:VEVENT\r\nUID:warm-{series}\r\nDTSTAMP:20260101T000000Z\r\n");
            AppendTimes(text, i, series, start, first);
            text.Append("SUMMARY:Busy\r\nEND:VEVENT\r\n");
        }

        return text.Append("END:VCALENDAR\r\n").ToString();
    }

    /// <summary>The event's times, one shape of ten: all-day, weekly with an exception (two), in a custom zone (daily or monthly),
    /// an override of a series, or UTC (sometimes transparent).</summary>
    private static void AppendTimes(StringBuilder text, int i, int series, DateTime start, DateTime first)
    {
        switch (i % 10)
        {
            case 0:
                text.Append(
                    CultureInfo.InvariantCulture,
                    $"DTSTART;VALUE=DATE:{start:yyyyMMdd}\r\nDTEND;VALUE=DATE:{start.AddDays(1):yyyyMMdd}\r\n"
                );
                break;
            case 1 or 2:
                text.Append(
                        CultureInfo.InvariantCulture,
                        $"DTSTART;TZID=Europe/Berlin:{start:yyyyMMdd'T'HHmmss}\r\n"
                            + $"DTEND;TZID=Europe/Berlin:{start.AddMinutes(45):yyyyMMdd'T'HHmmss}\r\n"
                    )
                    .Append(
                        CultureInfo.InvariantCulture,
                        $"RRULE:FREQ=WEEKLY;BYDAY={Day(start)};UNTIL={start.AddDays(400):yyyyMMdd'T'HHmmss'Z'}\r\n"
                    )
                    .Append(CultureInfo.InvariantCulture, $"EXDATE;TZID=Europe/Berlin:{start.AddDays(7):yyyyMMdd'T'HHmmss}\r\n");
                break;
            case 3:
                text.Append(CultureInfo.InvariantCulture, $"DTSTART;TZID=Custom/Office:{start:yyyyMMdd'T'HHmmss}\r\nDURATION:PT30M\r\n")
                    .Append(i % 20 == 3 ? "RRULE:FREQ=DAILY;COUNT=30\r\n" : "RRULE:FREQ=MONTHLY;BYDAY=1MO,-1FR\r\n");
                break;
            case 4:
                var instance = first.AddDays(series % 700).AddHours(series % 9).AddDays(14);
                text.Append(CultureInfo.InvariantCulture, $"RECURRENCE-ID;TZID=Europe/Berlin:{instance:yyyyMMdd'T'HHmmss}\r\n")
                    .Append(
                        CultureInfo.InvariantCulture,
                        $"DTSTART;TZID=Europe/Berlin:{instance.AddHours(2):yyyyMMdd'T'HHmmss}\r\n"
                            + $"DTEND;TZID=Europe/Berlin:{instance.AddHours(3):yyyyMMdd'T'HHmmss}\r\n"
                    );
                break;
            default:
                text.Append(
                    CultureInfo.InvariantCulture,
                    $"DTSTART:{start:yyyyMMdd'T'HHmmss'Z'}\r\nDTEND:{start.AddHours(1):yyyyMMdd'T'HHmmss'Z'}\r\n"
                );
                if (i % 17 == 0)
                {
                    text.Append("TRANSP:TRANSPARENT\r\n");
                }

                break;
        }
    }

    private static string Day(DateTime date) =>
        date.DayOfWeek switch
        {
            DayOfWeek.Monday => "MO",
            DayOfWeek.Tuesday => "TU",
            DayOfWeek.Wednesday => "WE",
            DayOfWeek.Thursday => "TH",
            DayOfWeek.Friday => "FR",
            DayOfWeek.Saturday => "SA",
            _ => "SU",
        };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Busy-time code warmed up in {Milliseconds:0} ms")]
    private static partial void LogWarmedUp(ILogger logger, double milliseconds);
}

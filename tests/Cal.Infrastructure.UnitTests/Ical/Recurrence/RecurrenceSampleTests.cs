using Cal.Application.Calendars.Common;
using Cal.Domain.Common;
using Cal.Infrastructure.UnitTests.Support;
using Cal.Testing;

namespace Cal.Infrastructure.UnitTests.Ical.Recurrence;

/// <summary>
/// Busy times from the repository's Recurrence samples (Ical.Net project, MIT), answers worked out by hand.
/// They use TZID "US-Eastern", a name no database knows, defined by the file's own VTIMEZONE with the US rules
/// before 2007 (DST from the first Sunday of April to the last Sunday of October): 09:00 is 13:00Z in EDT, 14:00Z in EST.
/// </summary>
public sealed class RecurrenceSampleTests
{
    private static async Task<List<string>> Starts(string sample, string from, string to)
    {
        var window = new BusyWindow(
            DateTimeOffset.Parse(from + "T00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(to + "T00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            IanaTimeZone.Utc
        );
        var read = await Task.FromResult(
            IndexedFeed.Read(IcsSamples.Read(sample), window, new BusyTimeBudget(100_000, TimeSpan.FromSeconds(10)))
        );
        return read
            .Intervals.Select(i =>
                i.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture)
                + "/"
                + (i.End - i.Start).TotalMinutes
            )
            .ToList();
    }

    [Test]
    public async Task Daily1_EveryOtherDay()
    {
        Assert.That(
            await Starts("Recurrence/Daily1.ics", "1997-09-01", "1997-09-10"),
            Is.EqualTo(new[] { "1997-09-02T13:00/60", "1997-09-04T13:00/60", "1997-09-06T13:00/60", "1997-09-08T13:00/60" })
        );
    }

    [Test]
    public async Task WeeklyCount1_TenWeeks_AcrossTheEndOfDaylightTime()
    {
        Assert.That(
            await Starts("Recurrence/WeeklyCount1.ics", "1997-09-01", "1997-12-31"),
            Is.EqualTo(
                new[]
                {
                    "1997-09-02T13:00/60",
                    "1997-09-09T13:00/60",
                    "1997-09-16T13:00/60",
                    "1997-09-23T13:00/60",
                    "1997-09-30T13:00/60",
                    "1997-10-07T13:00/60",
                    "1997-10-14T13:00/60",
                    "1997-10-21T13:00/60",
                    "1997-10-28T14:00/60",
                    "1997-11-04T14:00/60",
                }
            )
        );
    }

    [Test]
    public async Task WeeklyUntilWkst1_TuesdaysAndThursdaysUntilOctoberSeventh()
    {
        Assert.That(
            await Starts("Recurrence/WeeklyUntilWkst1.ics", "1997-09-01", "1997-12-31"),
            Is.EqualTo(
                new[]
                {
                    "1997-09-02T13:00/60",
                    "1997-09-04T13:00/60",
                    "1997-09-09T13:00/60",
                    "1997-09-11T13:00/60",
                    "1997-09-16T13:00/60",
                    "1997-09-18T13:00/60",
                    "1997-09-23T13:00/60",
                    "1997-09-25T13:00/60",
                    "1997-09-30T13:00/60",
                    "1997-10-02T13:00/60",
                }
            )
        );
    }

    [Test]
    public async Task MinutelyCount1_SixQuarterHours()
    {
        Assert.That(
            await Starts("Recurrence/MinutelyCount1.ics", "1997-09-02", "1997-09-03"),
            Is.EqualTo(
                new[]
                {
                    "1997-09-02T13:00/60",
                    "1997-09-02T13:15/60",
                    "1997-09-02T13:30/60",
                    "1997-09-02T13:45/60",
                    "1997-09-02T14:00/60",
                    "1997-09-02T14:15/60",
                }
            )
        );
    }

    [Test]
    public async Task Hourly1_EveryHourForNineHourEvents()
    {
        var starts = await Starts("Recurrence/Hourly1.ics", "2007-06-21", "2007-06-22");
        Assert.That(starts, Is.EqualTo(Enumerable.Range(12, 12).Select(h => $"2007-06-21T{h:00}:00/540")));
    }

    [Test]
    public async Task MonthlyByMonthDay1_FridayTheThirteenth_WithTheStartExcluded()
    {
        Assert.That(
            await Starts("Recurrence/MonthlyByMonthDay1.ics", "1997-09-01", "1998-09-01"),
            Is.EqualTo(new[] { "1998-02-13T14:00/60", "1998-03-13T14:00/60" })
        );
    }
}

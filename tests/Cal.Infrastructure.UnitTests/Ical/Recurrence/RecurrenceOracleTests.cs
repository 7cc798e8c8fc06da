using System.Globalization;
using Cal.Application.Calendars.Common;
using Cal.Domain.Common;
using Cal.Infrastructure.UnitTests.Support;
using Cal.Testing;
using Ical.Net.DataTypes;

namespace Cal.Infrastructure.UnitTests.Ical.Recurrence;

/// <summary>
/// Cal's own recurrence engine against an independent one (Ical.Net 5, which Cal no longer uses at run time): the
/// same UTC rules over a year must give the same instants (DTSTART aside, see below). UTC keeps zone handling out of the comparison (zones
/// are pinned by hand-computed tests elsewhere).
/// </summary>
public sealed class RecurrenceOracleTests
{
    [TestCase("FREQ=DAILY;INTERVAL=3")]
    [TestCase("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=40")]
    [TestCase("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU")]
    [TestCase("FREQ=MONTHLY;BYMONTHDAY=31")]
    [TestCase("FREQ=MONTHLY;BYMONTHDAY=-1,15")]
    [TestCase("FREQ=MONTHLY;BYDAY=-1FR")]
    [TestCase("FREQ=MONTHLY;BYDAY=1MO,3MO;COUNT=12")]
    [TestCase("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")]
    [TestCase("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")]
    [TestCase("FREQ=YEARLY;BYDAY=20MO")]
    [TestCase("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO")]
    [TestCase("FREQ=YEARLY;BYWEEKNO=20")]
    [TestCase("FREQ=YEARLY;BYWEEKNO=2,53")]
    [TestCase("FREQ=YEARLY;BYWEEKNO=-1;BYDAY=TU")]
    [TestCase("FREQ=YEARLY;BYDAY=20MO")]
    [TestCase("FREQ=HOURLY;INTERVAL=18")]
    [TestCase("FREQ=YEARLY;BYYEARDAY=1,100,-1")]
    [TestCase("FREQ=YEARLY;BYMONTH=3,9;BYDAY=-1SU")]
    [TestCase("FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30")]
    [TestCase("FREQ=HOURLY;INTERVAL=5;BYDAY=SA,SU")]
    [TestCase("FREQ=MINUTELY;INTERVAL=90;BYHOUR=8,9,10")]
    [TestCase("FREQ=DAILY;UNTIL=20260315T090000Z")]
    public void UtcRule_GivesTheSameInstantsAsIcalNet(string rule)
    {
        const string start = "20260105T090000Z";
        var feed = Ics.Calendar(Ics.Event("o", $"DTSTART:{start}", "DURATION:PT15M", $"RRULE:{rule}"));
        var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var cal = IndexedFeed
            .Read(feed, new BusyWindow(from, to, IanaTimeZone.Utc), new BusyTimeBudget(1_000_000, TimeSpan.FromSeconds(30)))
            .Intervals.Select(i => i.Start.UtcDateTime)
            .ToList();

        var calendarEvent = global::Ical.Net.Calendar.Load(feed)!.Events.Single();
        var reference = calendarEvent
            .GetOccurrences(new CalDateTime(from, CalDateTime.UtcTzId))
            .TakeWhile(o => o.Period.StartTime.AsUtc < to)
            .Select(o => o.Period.StartTime.AsUtc)
            .ToList();

        // One deliberate difference: DTSTART is always the first instance (RFC 5545, and cal.com's ical.js), even when
        // the rule would not produce it; Ical.Net leaves such a DTSTART out.
        var dtStart = new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);
        if (!reference.Contains(dtStart))
        {
            reference.Insert(0, dtStart);
        }

        Assert.That(cal, Is.Not.Empty);
        Assert.That(cal.Select(Iso), Is.EqualTo(reference.Select(Iso)));
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using Cal.Application.Calendars.Common;
using Cal.Domain.Common;
using Cal.Infrastructure.UnitTests.Support;
using Cal.Testing;

namespace Cal.Infrastructure.UnitTests.Ical.BusyIndex;

/// <summary>
/// Busy times with known answers, computed by hand (RFC 5545 §3.8.5.3 examples, DST changes, overrides),
/// never by asking Ical.Net. Times in comments are local; assertions are UTC.
/// </summary>
public sealed class BusyTimeIndexTests
{
    private static readonly BusyTimeBudget Generous = new(1_000_000, TimeSpan.FromSeconds(30));

    private static List<(string Start, string End)> Read(
        string events,
        string from,
        string to,
        string zone = "UTC",
        BusyTimeBudget? budget = null
    ) => ReadAll(events, from, to, zone, budget).Intervals.Select(i => (Iso(i.Start), Iso(i.End))).ToList();

    private static BusyTimeRead ReadAll(string events, string from, string to, string zone = "UTC", BusyTimeBudget? budget = null)
    {
        var feed = Ics.Calendar(events);
        var window = new BusyWindow(
            DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture),
            IanaTimeZone.Parse(zone)
        );
        return IndexedFeed.Read(feed, window, budget ?? Generous);
    }

    private static string Iso(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void Rfc_DailyForTenOccurrences()
    {
        // DTSTART;TZID=America/New_York:19970902T090000, RRULE:FREQ=DAILY;COUNT=10 → Sep 2..11 09:00 EDT = 13:00Z
        var busy = Read(
            Ics.Event("d10", "DTSTART;TZID=America/New_York:19970902T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=10"),
            "1997-09-01T00:00Z",
            "1997-10-01T00:00Z"
        );
        Assert.That(busy, Is.EqualTo(Enumerable.Range(2, 10).Select(d => ($"1997-09-{d:00}T13:00Z", $"1997-09-{d:00}T14:00Z")).ToList()));
    }

    [Test]
    public void Rfc_WeeklyOnTuesdayAndThursdayForFiveWeeks()
    {
        var busy = Read(
            Ics.Event(
                "w",
                "DTSTART;TZID=America/New_York:19970902T090000",
                "DURATION:PT30M",
                "RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH"
            ),
            "1997-09-01T00:00Z",
            "1997-11-01T00:00Z"
        );
        string[] days = ["09-02", "09-04", "09-09", "09-11", "09-16", "09-18", "09-23", "09-25", "09-30", "10-02"];
        Assert.That(busy.Select(b => b.Start), Is.EqualTo(days.Select(d => $"1997-{d}T13:00Z")));
    }

    [Test]
    public void Rfc_LastWeekdayOfTheMonth_BySetPos()
    {
        // Sep 30 (EDT), Oct 31 (EST from Oct 26 1997), Nov 28 (EST)
        var busy = Read(
            Ics.Event(
                "lw",
                "DTSTART;TZID=America/New_York:19970930T090000",
                "DURATION:PT1H",
                "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3"
            ),
            "1997-09-01T00:00Z",
            "1998-01-01T00:00Z"
        );
        Assert.That(busy.Select(b => b.Start), Is.EqualTo(new[] { "1997-09-30T13:00Z", "1997-10-31T14:00Z", "1997-11-28T14:00Z" }));
    }

    [Test]
    public void Rfc_EveryTwentyMinutesFromNineToFourForty()
    {
        var busy = Read(
            Ics.Event(
                "m20",
                "DTSTART;TZID=America/New_York:19970902T090000",
                "DURATION:PT10M",
                "RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40"
            ),
            "1997-09-02T00:00Z",
            "1997-09-03T00:00Z"
        );
        Assert.That(busy, Has.Count.EqualTo(24));
        Assert.That(busy[0].Start, Is.EqualTo("1997-09-02T13:00Z"));
        Assert.That(busy[^1].Start, Is.EqualTo("1997-09-02T20:40Z"));
    }

    [Test]
    public void Rfc_YearlyInJuneAndJuly()
    {
        var busy = Read(
            Ics.Event("y", "DTSTART;TZID=America/New_York:19970610T090000", "DURATION:PT1H", "RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7"),
            "1997-01-01T00:00Z",
            "1999-01-01T00:00Z"
        );
        Assert.That(
            busy.Select(b => b.Start),
            Is.EqualTo(new[] { "1997-06-10T13:00Z", "1997-07-10T13:00Z", "1998-06-10T13:00Z", "1998-07-10T13:00Z" })
        );
    }

    [Test]
    public void DailyNineOClockBerlin_KeepsLocalTimeAcrossSpringForward()
    {
        // 2026-03-29 02:00 CET → 03:00 CEST: 09:00 local is 08:00Z before, 07:00Z after.
        var busy = Read(
            Ics.Event("dst", "DTSTART;TZID=Europe/Berlin:20260327T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=4"),
            "2026-03-27T00:00Z",
            "2026-04-01T00:00Z"
        );
        Assert.That(
            busy.Select(b => b.Start),
            Is.EqualTo(new[] { "2026-03-27T08:00Z", "2026-03-28T08:00Z", "2026-03-29T07:00Z", "2026-03-30T07:00Z" })
        );
    }

    [Test]
    public void DailyNineOClockBerlin_KeepsLocalTimeAcrossFallBack()
    {
        var busy = Read(
            Ics.Event("dst2", "DTSTART;TZID=Europe/Berlin:20261024T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3"),
            "2026-10-24T00:00Z",
            "2026-10-28T00:00Z"
        );
        Assert.That(busy.Select(b => b.Start), Is.EqualTo(new[] { "2026-10-24T07:00Z", "2026-10-25T08:00Z", "2026-10-26T08:00Z" }));
    }

    [Test]
    public void NewYork_AcrossBothChanges()
    {
        // 2026-03-08 EST→EDT, 2026-11-01 EDT→EST: weekly Sunday 10:00 local.
        var spring = Read(
            Ics.Event("ny", "DTSTART;TZID=America/New_York:20260301T100000", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=2"),
            "2026-03-01T00:00Z",
            "2026-03-10T00:00Z"
        );
        var autumn = Read(
            Ics.Event("ny2", "DTSTART;TZID=America/New_York:20261025T100000", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=2"),
            "2026-10-25T00:00Z",
            "2026-11-03T00:00Z"
        );
        Assert.That(spring.Select(b => b.Start), Is.EqualTo(new[] { "2026-03-01T15:00Z", "2026-03-08T14:00Z" }));
        Assert.That(autumn.Select(b => b.Start), Is.EqualTo(new[] { "2026-10-25T14:00Z", "2026-11-01T15:00Z" }));
    }

    [Test]
    public void WindowsZoneName_IsResolved()
    {
        var busy = Read(
            Ics.Event("win", "DTSTART;TZID=W. Europe Standard Time:20260105T090000", "DTEND;TZID=W. Europe Standard Time:20260105T100000"),
            "2026-01-05T00:00Z",
            "2026-01-06T00:00Z"
        );
        Assert.That(busy, Is.EqualTo(new[] { ("2026-01-05T08:00Z", "2026-01-05T09:00Z") }));
    }

    [Test]
    public void UnknownZoneName_IsReadAsUtc_RatherThanFailingTheFeed()
    {
        var busy = Read(
            Ics.Event("mars", "DTSTART;TZID=Mars/Olympus:20260105T090000", "DTEND;TZID=Mars/Olympus:20260105T100000")
                + Ics.Event("ok", "DTSTART:20260105T120000Z", "DTEND:20260105T130000Z"),
            "2026-01-05T00:00Z",
            "2026-01-06T00:00Z"
        );
        Assert.That(busy, Is.EqualTo(new[] { ("2026-01-05T09:00Z", "2026-01-05T10:00Z"), ("2026-01-05T12:00Z", "2026-01-05T13:00Z") }));
    }

    [Test]
    public void AllDayAndFloating_AreReadInTheUsersZone()
    {
        var events =
            Ics.Event("allday", "DTSTART;VALUE=DATE:20260106", "DTEND;VALUE=DATE:20260107")
            + Ics.Event("floating", "DTSTART:20260105T090000", "DTEND:20260105T100000");
        var berlin = Read(events, "2026-01-04T00:00Z", "2026-01-08T00:00Z", "Europe/Berlin");
        var kolkata = Read(events, "2026-01-04T00:00Z", "2026-01-08T00:00Z", "Asia/Kolkata");
        Assert.That(berlin, Is.EqualTo(new[] { ("2026-01-05T08:00Z", "2026-01-05T09:00Z"), ("2026-01-05T23:00Z", "2026-01-06T23:00Z") }));
        Assert.That(kolkata, Is.EqualTo(new[] { ("2026-01-05T03:30Z", "2026-01-05T04:30Z"), ("2026-01-05T18:30Z", "2026-01-06T18:30Z") }));
    }

    [Test]
    public void AllDayWithoutEnd_LastsOneDay()
    {
        Assert.That(
            Read(Ics.Event("a", "DTSTART;VALUE=DATE:20260106"), "2026-01-01T00:00Z", "2026-01-10T00:00Z"),
            Is.EqualTo(new[] { ("2026-01-06T00:00Z", "2026-01-07T00:00Z") })
        );
    }

    [Test]
    public void ExdateRemoves_RdateAdds()
    {
        var busy = Read(
            Ics.Event(
                "x",
                "DTSTART:20260105T090000Z",
                "DURATION:PT1H",
                "RRULE:FREQ=DAILY;COUNT=3",
                "EXDATE:20260106T090000Z",
                "RDATE:20260110T150000Z"
            ),
            "2026-01-01T00:00Z",
            "2026-01-31T00:00Z"
        );
        Assert.That(busy.Select(b => b.Start), Is.EqualTo(new[] { "2026-01-05T09:00Z", "2026-01-07T09:00Z", "2026-01-10T15:00Z" }));
    }

    [Test]
    public void RecurrenceIdOverride_MovesAnInstance_AndACancelledOverrideRemovesOne()
    {
        var events =
            Ics.Event("r", "DTSTART:20260105T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=4")
            + Ics.Event("r", "RECURRENCE-ID:20260106T090000Z", "DTSTART:20260106T150000Z", "DTEND:20260106T160000Z")
            + Ics.Event("r", "RECURRENCE-ID:20260107T090000Z", "DTSTART:20260107T090000Z", "DTEND:20260107T100000Z", "STATUS:CANCELLED");
        var busy = Read(events, "2026-01-01T00:00Z", "2026-01-31T00:00Z");
        Assert.That(busy.Select(b => b.Start), Is.EqualTo(new[] { "2026-01-05T09:00Z", "2026-01-06T15:00Z", "2026-01-08T09:00Z" }));
    }

    [Test]
    public void Overrides_ApplyOnlyToTheirOwnSeries_AndTheHighestSequenceWins()
    {
        // Two series at the same wall time (ical.js, used as cal.com does, relates every RECURRENCE-ID to every series).
        var events =
            Ics.Event("a", "DTSTART:20260105T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3")
            + Ics.Event("b", "DTSTART:20260105T090000Z", "DURATION:PT30M", "RRULE:FREQ=DAILY;COUNT=3")
            + Ics.Event("a", "RECURRENCE-ID:20260106T090000Z", "SEQUENCE:2", "DTSTART:20260106T170000Z", "DTEND:20260106T180000Z")
            + Ics.Event("a", "RECURRENCE-ID:20260106T090000Z", "SEQUENCE:1", "DTSTART:20260106T120000Z", "DTEND:20260106T130000Z");
        var busy = Read(events, "2026-01-01T00:00Z", "2026-01-31T00:00Z");
        Assert.That(
            busy,
            Is.EqualTo(
                new[]
                {
                    ("2026-01-05T09:00Z", "2026-01-05T09:30Z"),
                    ("2026-01-05T09:00Z", "2026-01-05T10:00Z"),
                    ("2026-01-06T09:00Z", "2026-01-06T09:30Z"),
                    ("2026-01-06T17:00Z", "2026-01-06T18:00Z"),
                    ("2026-01-07T09:00Z", "2026-01-07T09:30Z"),
                    ("2026-01-07T09:00Z", "2026-01-07T10:00Z"),
                }
            )
        );
    }

    [Test]
    public void OverBudget_TheAnswerIsMarkedTruncated_AndHoldsOnlyRealOccurrences()
    {
        // A cut-short answer says so; what it holds is true (each series' instances in order), never invented.
        var events =
            Ics.Event("late", "DTSTART:20260105T120000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=30")
            + Ics.Event("early", "DTSTART:20260105T080000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=30");
        var read = ReadAll(events, "2026-01-01T00:00Z", "2026-03-01T00:00Z", budget: new BusyTimeBudget(4, TimeSpan.FromSeconds(30)));
        var full = ReadAll(events, "2026-01-01T00:00Z", "2026-03-01T00:00Z");
        Assert.That(read.Truncated, Is.True);
        Assert.That(full.Truncated, Is.False);
        Assert.That(read.Intervals, Has.Count.InRange(1, 4));
        Assert.That(read.Intervals, Is.SubsetOf(full.Intervals));
    }

    [Test]
    public void OverrideMovedOutOfTheWindow_IsNotBusyInIt()
    {
        var events =
            Ics.Event("o", "DTSTART:20260105T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=2")
            + Ics.Event("o", "RECURRENCE-ID:20260106T090000Z", "DTSTART:20260220T090000Z", "DTEND:20260220T100000Z");
        Assert.That(Read(events, "2026-01-01T00:00Z", "2026-01-31T00:00Z").Select(b => b.Start), Is.EqualTo(new[] { "2026-01-05T09:00Z" }));
    }

    [Test]
    public void CancelledAndTransparentEvents_AreNotBusy()
    {
        var events =
            Ics.Event("c", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z", "STATUS:CANCELLED")
            + Ics.Event("t", "DTSTART:20260105T110000Z", "DTEND:20260105T120000Z", "TRANSP:TRANSPARENT");
        Assert.That(Read(events, "2026-01-05T00:00Z", "2026-01-06T00:00Z"), Is.Empty);
    }

    [Test]
    public void EventsAcrossTheWindowEdges_AreIncludedWhole_ZeroLengthOnlyInside()
    {
        var events =
            Ics.Event("before", "DTSTART:20260104T230000Z", "DTEND:20260105T010000Z")
            + Ics.Event("after", "DTSTART:20260105T230000Z", "DTEND:20260106T010000Z")
            + Ics.Event("instant-in", "DTSTART:20260105T120000Z")
            + Ics.Event("instant-at-end", "DTSTART:20260106T000000Z")
            + Ics.Event("ends-at-start", "DTSTART:20260104T220000Z", "DTEND:20260105T000000Z");
        Assert.That(
            Read(events, "2026-01-05T00:00Z", "2026-01-06T00:00Z"),
            Is.EqualTo(
                new[]
                {
                    ("2026-01-04T23:00Z", "2026-01-05T01:00Z"),
                    ("2026-01-05T12:00Z", "2026-01-05T12:00Z"),
                    ("2026-01-05T23:00Z", "2026-01-06T01:00Z"),
                }
            )
        );
    }

    [Test]
    public void HourlyMinutelySecondly_AreExpanded()
    {
        Assert.That(
            Read(
                Ics.Event("h", "DTSTART:20260105T000000Z", "DURATION:PT10M", "RRULE:FREQ=HOURLY"),
                "2026-01-05T00:00Z",
                "2026-01-06T00:00Z"
            ),
            Has.Count.EqualTo(24)
        );
        Assert.That(
            Read(Ics.Event("m", "DTSTART:20260105T000000Z", "RRULE:FREQ=MINUTELY;INTERVAL=15"), "2026-01-05T00:00Z", "2026-01-05T02:00Z"),
            Has.Count.EqualTo(8)
        );
        Assert.That(
            Read(Ics.Event("s", "DTSTART:20260105T000000Z", "RRULE:FREQ=SECONDLY;INTERVAL=30"), "2026-01-05T00:00Z", "2026-01-05T00:10Z"),
            Has.Count.EqualTo(20)
        );
    }

    [Test]
    public void MoreThan365Occurrences_AreAllExpanded()
    {
        // cal.com stops at 365; a daily rule over a year and a half in a one-year window has 365 here, hourly has 8,760.
        Assert.That(
            Read(
                Ics.Event("h", "DTSTART:20260101T000000Z", "DURATION:PT5M", "RRULE:FREQ=HOURLY"),
                "2026-01-01T00:00Z",
                "2027-01-01T00:00Z"
            ),
            Has.Count.EqualTo(8760)
        );
    }

    [Test]
    public void SecondlyRuleOverAYear_StopsAtTheBudget_AndSaysSo()
    {
        var budget = new BusyTimeBudget(50_000, TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();

        var read = ReadAll(
            Ics.Event("flood", "DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY"),
            "2026-01-01T00:00Z",
            "2027-01-01T00:00Z",
            budget: budget
        );

        Assert.That(read.Truncated, Is.True);
        Assert.That(read.Intervals, Has.Count.LessThanOrEqualTo(50_000));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void FeedWithinBudget_IsNotTruncated()
    {
        Assert.That(
            ReadAll(
                Ics.Event("d", "DTSTART:20260105T090000Z", "RRULE:FREQ=DAILY;COUNT=3"),
                "2026-01-01T00:00Z",
                "2026-02-01T00:00Z"
            ).Truncated,
            Is.False
        );
    }

    [Test]
    public void AnEventThatCannotBeRead_IsSkipped_TheRestAreKept()
    {
        var events =
            Ics.Event("bad", "DTSTART:garbage", "RRULE:FREQ=DAILY")
            + Ics.Event("good", "DTSTART:20260105T090000Z", "DTEND:20260105T100000Z");
        Assert.That(
            Read(events, "2026-01-05T00:00Z", "2026-01-06T00:00Z"),
            Is.EqualTo(new[] { ("2026-01-05T09:00Z", "2026-01-05T10:00Z") })
        );
    }

    [TestCase("Recurrence/Daily1.ics")]
    [TestCase("Recurrence/WeeklyCount1.ics")]
    [TestCase("Recurrence/MonthlyBySetPos1.ics")]
    [TestCase("Recurrence/Hourly1.ics")]
    public void RepositorySamples_AreReadWithoutError(string sample)
    {
        var feed = IcsSamples.Read(sample);
        var window = new BusyWindow(
            new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(1991, 1, 1, 0, 0, 0, TimeSpan.Zero),
            IanaTimeZone.Utc
        );
        Assert.That(() => IndexedFeed.Read(feed, window, Generous), Throws.Nothing);
    }
}

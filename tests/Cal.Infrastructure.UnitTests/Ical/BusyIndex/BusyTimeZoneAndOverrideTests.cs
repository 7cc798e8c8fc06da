using System.Diagnostics;
using System.Globalization;
using Cal.Application.Calendars.Common;
using Cal.Domain.Common;
using Cal.Infrastructure.UnitTests.Support;
using Cal.Testing;

namespace Cal.Infrastructure.UnitTests.Ical.BusyIndex;

/// <summary>
/// The zone rules and override rules of the contract's busy-times section, each from a small feed with a hand-computed
/// answer; and hostile rules (a feed can change after it was saved) that must end within the budget.
/// </summary>
public sealed class BusyTimeZoneAndOverrideTests
{
    private static readonly BusyTimeBudget Generous = new(1_000_000, TimeSpan.FromSeconds(30));

    private static BusyWindow Window(string from, string to, string zone = "UTC") =>
        new(
            DateTimeOffset.Parse(from, CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(to, CultureInfo.InvariantCulture),
            IanaTimeZone.Parse(zone)
        );

    private static List<string> Busy(string body, string from, string to, string zone = "UTC", BusyTimeBudget? budget = null) =>
        IndexedFeed
            .Read(Ics.Calendar(body), Window(from, to, zone), budget ?? Generous)
            .Intervals.Select(i =>
                i.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)
                + "/"
                + i.End.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)
            )
            .ToList();

    // ---- zones ----

    [Test]
    public void VTimeZoneWithAFixedOffsetNoIanaZoneHas_IsUsedByItsOwnRules()
    {
        var zone =
            "BEGIN:VTIMEZONE\r\nTZID:Local Mean Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:-0741\r\nTZOFFSETTO:-0741\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
        Assert.That(
            Busy(
                zone + Ics.Event("lmt", "DTSTART;TZID=Local Mean Time:20260105T090000", "DURATION:PT1H"),
                "2026-01-05T00:00Z",
                "2026-01-06T00:00Z"
            ),
            Is.EqualTo(new[] { "2026-01-05T16:41/17:41" }),
            "09:00 at -07:41 is 16:41Z, not 09:00Z"
        );
    }

    [Test]
    public void VTimeZoneWithRulesNoIanaZoneHas_IsUsedByItsOwnRules_InWinterAndSummer()
    {
        // +03:17 in winter, +04:17 from the first Sunday of May (02:00) to the first Sunday of September (02:00).
        var zone =
            "BEGIN:VTIMEZONE\r\nTZID:Odd Time\r\n"
            + "BEGIN:STANDARD\r\nDTSTART:19700906T020000\r\nTZOFFSETFROM:+0417\r\nTZOFFSETTO:+0317\r\nRRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=1SU\r\nEND:STANDARD\r\n"
            + "BEGIN:DAYLIGHT\r\nDTSTART:19700503T020000\r\nTZOFFSETFROM:+0317\r\nTZOFFSETTO:+0417\r\nRRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=1SU\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
        var events =
            Ics.Event("w", "DTSTART;TZID=Odd Time:20260115T090000", "DURATION:PT1H")
            + Ics.Event("s", "DTSTART;TZID=Odd Time:20260715T090000", "DURATION:PT1H");
        Assert.That(
            Busy(zone + events, "2026-01-01T00:00Z", "2026-12-31T00:00Z"),
            Is.EqualTo(new[] { "2026-01-15T05:43/06:43", "2026-07-15T04:43/05:43" })
        );
    }

    [TestCase("Europe/Berlin", "2026-01-05T08:00/09:00")]
    [TestCase("America/New_York", "2026-01-05T14:00/15:00")]
    public void UnknownTzidWithoutVTimeZone_IsFloating_ReadInTheRequestersZone(string requestZone, string expected)
    {
        // Lotus Notes writes names no database knows; cal.com reads them as floating, which is right far more often than UTC.
        Assert.That(
            Busy(
                Ics.Event(
                    "ln",
                    "DTSTART;TZID=\"Western/Central Europe\":20260105T090000",
                    "DTEND;TZID=\"Western/Central Europe\":20260105T100000"
                ),
                "2026-01-05T00:00Z",
                "2026-01-06T00:00Z",
                requestZone
            ),
            Is.EqualTo(new[] { expected })
        );
    }

    [Test]
    public void UnknownTzid_WithTheCalendarsXWrTimeZone_IsReadInThatZone()
    {
        var body = "X-WR-TIMEZONE:America/New_York\r\n" + Ics.Event("x", "DTSTART;TZID=Eastern Office:20260105T090000", "DURATION:PT1H");
        Assert.That(Busy(body, "2026-01-05T00:00Z", "2026-01-06T00:00Z", "Asia/Tokyo"), Is.EqualTo(new[] { "2026-01-05T14:00/15:00" }));
    }

    [TestCase("/mozilla.org/20070129_1/America/New_York", "2026-01-05T14:00/15:00")]
    [TestCase("/freeassociation.sourceforge.net/Tzfile/Europe/Berlin", "2026-01-05T08:00/09:00")]
    [TestCase("/softwarestudio.org/Olson_20011030_5/America/Argentina/Buenos_Aires", "2026-01-05T12:00/13:00")]
    [TestCase("W. Europe Standard Time", "2026-01-05T08:00/09:00")]
    [TestCase("Eastern Standard Time", "2026-01-05T14:00/15:00")]
    [TestCase("europe/berlin", "2026-01-05T08:00/09:00")]
    public void GloballyUniqueAndWindowsTzids_ResolveToTheirIanaZone(string tzid, string expected)
    {
        Assert.That(
            Busy(
                Ics.Event("g", $"DTSTART;TZID={tzid}:20260105T090000", "DURATION:PT1H"),
                "2026-01-05T00:00Z",
                "2026-01-06T00:00Z",
                "Asia/Tokyo"
            ),
            Is.EqualTo(new[] { expected })
        );
    }

    [Test]
    public void WallTimeInASpringForwardGap_IsShiftedForwardByTheGap_AsRfc5545Says()
    {
        // 2026-03-29 02:30 does not exist in Berlin: RFC 5545 reads it with the offset before the gap, i.e. 03:30 CEST = 01:30Z.
        Assert.That(
            Busy(
                Ics.Event("gap", "DTSTART;TZID=Europe/Berlin:20260329T023000", "DURATION:PT30M"),
                "2026-03-29T00:00Z",
                "2026-03-30T00:00Z"
            ),
            Is.EqualTo(new[] { "2026-03-29T01:30/02:00" })
        );
    }

    [Test]
    public void WallTimeRepeatedAtFallBack_IsTheFirstOccurrence()
    {
        // 2026-10-25 02:30 happens twice in Berlin; RFC 5545 takes the first (CEST, +02:00) = 00:30Z.
        Assert.That(
            Busy(Ics.Event("fb", "DTSTART;TZID=Europe/Berlin:20261025T023000", "DURATION:PT30M"), "2026-10-25T00:00Z", "2026-10-26T00:00Z"),
            Is.EqualTo(new[] { "2026-10-25T00:30/01:00" })
        );
    }

    // ---- overrides by instant ----

    [Test]
    public void OverrideWrittenInUtc_ReplacesAnRDateWrittenWithATzid()
    {
        var body =
            Ics.Event("r", "DTSTART;TZID=Europe/Berlin:20260105T090000", "DURATION:PT1H", "RDATE;TZID=Europe/Berlin:20260110T090000")
            + Ics.Event("r", "RECURRENCE-ID:20260110T080000Z", "DTSTART:20260110T140000Z", "DTEND:20260110T150000Z");
        Assert.That(
            Busy(body, "2026-01-01T00:00Z", "2026-02-01T00:00Z"),
            Is.EqualTo(new[] { "2026-01-05T08:00/09:00", "2026-01-10T14:00/15:00" })
        );
    }

    [Test]
    public void OverrideWrittenWithATzid_ReplacesAUtcSeriesInstance()
    {
        var body =
            Ics.Event("u", "DTSTART:20260105T080000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3")
            + Ics.Event("u", "RECURRENCE-ID;TZID=Europe/Berlin:20260106T090000", "DTSTART:20260106T150000Z", "DURATION:PT1H");
        Assert.That(
            Busy(body, "2026-01-01T00:00Z", "2026-02-01T00:00Z"),
            Is.EqualTo(new[] { "2026-01-05T08:00/09:00", "2026-01-06T15:00/16:00", "2026-01-07T08:00/09:00" })
        );
    }

    [Test]
    public void OverrideWrittenAsADate_ReplacesThatDaysInstance()
    {
        var body =
            Ics.Event("d", "DTSTART;TZID=America/New_York:20260105T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3")
            + Ics.Event(
                "d",
                "RECURRENCE-ID;VALUE=DATE:20260106",
                "STATUS:CANCELLED",
                "DTSTART;TZID=America/New_York:20260106T090000",
                "DURATION:PT1H"
            );
        Assert.That(
            Busy(body, "2026-01-01T00:00Z", "2026-02-01T00:00Z"),
            Is.EqualTo(new[] { "2026-01-05T14:00/15:00", "2026-01-07T14:00/15:00" })
        );
    }

    [Test]
    public void ThisAndFuture_MovesTheRestOfTheSeries()
    {
        var body =
            Ics.Event("t", "DTSTART:20260105T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=5")
            + Ics.Event("t", "RECURRENCE-ID;RANGE=THISANDFUTURE:20260107T090000Z", "DTSTART:20260107T110000Z", "DURATION:PT30M");
        Assert.That(
            Busy(body, "2026-01-01T00:00Z", "2026-02-01T00:00Z"),
            Is.EqualTo(
                new[]
                {
                    "2026-01-05T09:00/10:00",
                    "2026-01-06T09:00/10:00",
                    "2026-01-07T11:00/11:30",
                    "2026-01-08T11:00/11:30",
                    "2026-01-09T11:00/11:30",
                }
            )
        );
    }

    [Test]
    public void OverrideWhoseSeriesIsNotInTheFeed_IsAnEventOfItsOwn()
    {
        Assert.That(
            Busy(
                Ics.Event("orphan", "RECURRENCE-ID:20260105T090000Z", "DTSTART:20260105T100000Z", "DURATION:PT1H"),
                "2026-01-05T00:00Z",
                "2026-01-06T00:00Z"
            ),
            Is.EqualTo(new[] { "2026-01-05T10:00/11:00" })
        );
    }

    [Test]
    public void MultipleRRules_AreUnited_WithoutDoubleCounting()
    {
        var body = Ics.Event(
            "m",
            "DTSTART:20260105T090000Z",
            "DURATION:PT1H",
            "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=2"
        );
        Assert.That(
            Busy(body, "2026-01-01T00:00Z", "2026-02-01T00:00Z"),
            Is.EqualTo(new[] { "2026-01-05T09:00/10:00", "2026-01-07T09:00/10:00", "2026-01-12T09:00/10:00" })
        );
    }

    // ---- hostile rules: bounded, whatever the feed says ----

    private static BusyTimeRead ReadWithin(string body, string from, string to, BusyTimeBudget budget, TimeSpan limit)
    {
        var index = IndexedFeed.Index(Ics.Calendar(body));
        var task = Task.Run(() => index.Read(Window(from, to), budget.StartingNow(), CancellationToken.None));
        Assert.That(task.Wait(limit), Is.True, "the read must end within its budget");
        return task.Result;
    }

    [Test]
    public void ARuleThatNeverMatches_EndsAtTheWindow()
    {
        var read = ReadWithin(
            Ics.Event("never", "DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"),
            "2026-03-01T00:00Z",
            "2026-04-01T00:00Z",
            new BusyTimeBudget(100_000, TimeSpan.FromSeconds(2)),
            TimeSpan.FromSeconds(20)
        );
        Assert.That((read.Intervals.Count, read.Truncated), Is.EqualTo((0, false)));
    }

    [Test]
    public void SecondlyFromYearOne_JumpsToTheWindow()
    {
        var read = ReadWithin(
            Ics.Event("y1", "DTSTART:00010101T000000Z", "RRULE:FREQ=SECONDLY"),
            "2026-03-01T00:00Z",
            "2026-03-01T00:10Z",
            new BusyTimeBudget(100_000, TimeSpan.FromSeconds(2)),
            TimeSpan.FromSeconds(20)
        );
        Assert.That((read.Intervals.Count, read.Truncated), Is.EqualTo((600, false)), "ten minutes of seconds, computed, not walked to");
    }

    [Test]
    public void SecondlyFromYearOne_WithAHugeCount_JumpsToTheWindowToo()
    {
        var read = ReadWithin(
            Ics.Event("c", "DTSTART:00010101T000000Z", "RRULE:FREQ=SECONDLY;COUNT=2000000000"),
            "0001-01-01T00:00Z",
            "0001-01-01T00:01Z",
            new BusyTimeBudget(100_000, TimeSpan.FromSeconds(2)),
            TimeSpan.FromSeconds(20)
        );
        Assert.That(read.Intervals, Has.Count.EqualTo(60));
    }

    [Test]
    public void MinutelyFrom1900_ForAWeek_IsWhole()
    {
        var read = ReadWithin(
            Ics.Event("m1900", "DTSTART:19000101T000000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY"),
            "2026-03-02T00:00Z",
            "2026-03-09T00:00Z",
            new BusyTimeBudget(100_000, TimeSpan.FromSeconds(2)),
            TimeSpan.FromSeconds(20)
        );
        Assert.That((read.Intervals.Count, read.Truncated), Is.EqualTo((7 * 24 * 60, false)));
    }

    [Test]
    public void AFlood_IsCutAtTheOccurrenceBudget_AndSaysSo()
    {
        var read = ReadWithin(
            Ics.Event("flood", "DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY"),
            "2026-01-01T00:00Z",
            "2026-12-31T00:00Z",
            new BusyTimeBudget(1_000, TimeSpan.FromSeconds(2)),
            TimeSpan.FromSeconds(20)
        );
        Assert.That((read.Intervals.Count, read.Truncated), Is.EqualTo((1_000, true)));
    }

    [Test]
    public void ARuleMatchingRarelyWithSubDailySteps_StopsAtTheDeadline()
    {
        // Every second, but only at 03:xx on a Monday 29 February: the walk skips day by day, and 2026 has none.
        var body = Ics.Event("rare", "DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;BYHOUR=3");
        var clock = Stopwatch.StartNew();
        var read = ReadWithin(
            body,
            "2026-01-02T00:00Z",
            "2026-12-31T00:00Z",
            new BusyTimeBudget(100_000, TimeSpan.FromSeconds(1)),
            TimeSpan.FromSeconds(20)
        );
        Assert.That(read.Intervals, Is.Empty, "2026 has no 29 February");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
    }

    [Test]
    public void TheRequestsCancellation_StopsTheWork()
    {
        var index = IndexedFeed.Index(Ics.Calendar(Ics.Event("flood", "DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY")));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(
            () =>
                index.Read(
                    Window("2026-01-01T00:00Z", "2026-12-31T00:00Z"),
                    new BusyTimeBudget(10_000_000, TimeSpan.FromSeconds(30)).StartingNow(),
                    cancelled.Token
                ),
            Throws.InstanceOf<OperationCanceledException>()
        );
    }

    [Test]
    public void AVTimeZoneWithTensOfThousandsOfObservances_IsIndexedQuickly()
    {
        var observances = string.Concat(
            Enumerable
                .Range(0, 40_000)
                .Select(i =>
                    $"BEGIN:{(i % 2 == 0 ? "DAYLIGHT" : "STANDARD")}\r\nDTSTART:{1900 + (i / 2) % 300:0000}{(i % 2 == 0 ? "0329" : "1025")}T020000\r\nTZOFFSETFROM:{(i % 2 == 0 ? "+0100" : "+0200")}\r\nTZOFFSETTO:{(i % 2 == 0 ? "+0200" : "+0100")}\r\nEND:{(i % 2 == 0 ? "DAYLIGHT" : "STANDARD")}\r\n"
                )
        );
        var body =
            "BEGIN:VTIMEZONE\r\nTZID:Huge\r\n"
            + observances
            + "END:VTIMEZONE\r\n"
            + Ics.Event("h", "DTSTART;TZID=Huge:20260115T090000", "DURATION:PT1H");
        var clock = Stopwatch.StartNew();
        var index = IndexedFeed.Index(Ics.Calendar(body));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "observances are capped: no quadratic matching");
        Assert.That(index.EventCount, Is.EqualTo(1));
    }
}

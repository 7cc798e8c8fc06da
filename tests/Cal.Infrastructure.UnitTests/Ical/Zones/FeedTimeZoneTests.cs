using Cal.Application.Calendars.Common;
using Cal.Domain.Common;
using Cal.Infrastructure.UnitTests.Support;
using Cal.Testing;

namespace Cal.Infrastructure.UnitTests.Ical.Zones;

/// <summary>TZIDs that only the feed's own VTIMEZONE explains (Outlook's "Customized Time Zone"), with hand-computed answers.</summary>
public sealed class FeedTimeZoneTests
{
    private const string BerlinRules =
        "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\n"
        + "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
        + "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

    private const string NewYorkRules =
        "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\n"
        + "BEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
        + "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

    private const string SydneyRules =
        "BEGIN:VTIMEZONE\r\nTZID:My Sydney\r\n"
        + "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\nEND:STANDARD\r\n"
        + "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

    private const string KolkataRules =
        "BEGIN:VTIMEZONE\r\nTZID:India Office\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

    private static List<string> Starts(string zones, string tzid, string localStarts, string from, string to)
    {
        var events = localStarts.Split(',').Select((start, i) => Ics.Event($"e{i}", $"DTSTART;TZID={tzid}:{start}", "DURATION:PT1H"));
        var feed = Ics.Calendar([zones, .. events]);
        var window = new BusyWindow(
            DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture),
            IanaTimeZone.Utc
        );
        var read = IndexedFeed.Read(feed, window, BusyTimeBudget.Default);
        return read
            .Intervals.Select(i => i.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
    }

    [Test]
    public void CustomZoneWithBerlinRules_IsReadAsBerlin_InWinterAndSummer()
    {
        Assert.That(
            Starts(BerlinRules, "Customized Time Zone", "20260115T090000,20260715T090000", "2026-01-01T00:00Z", "2026-12-31T00:00Z"),
            Is.EqualTo(new[] { "2026-01-15T08:00Z", "2026-07-15T07:00Z" })
        );
    }

    [Test]
    public void SameTzidWithOtherRulesInAnotherFeed_IsReadByThatFeedsRules()
    {
        // Ical.Net must not remember the first feed's answer for the same made-up name.
        Assert.That(
            Starts(BerlinRules, "Customized Time Zone", "20260115T090000", "2026-01-01T00:00Z", "2026-02-01T00:00Z"),
            Is.EqualTo(new[] { "2026-01-15T08:00Z" })
        );
        Assert.That(
            Starts(NewYorkRules, "Customized Time Zone", "20260115T090000", "2026-01-01T00:00Z", "2026-02-01T00:00Z"),
            Is.EqualTo(new[] { "2026-01-15T14:00Z" })
        );
    }

    [Test]
    public void SouthernHemisphereRules_AreMatched()
    {
        // Sydney: +11 in January (daylight), +10 in July.
        Assert.That(
            Starts(SydneyRules, "My Sydney", "20260115T090000,20260715T090000", "2026-01-01T00:00Z", "2026-12-31T00:00Z"),
            Is.EqualTo(new[] { "2026-01-14T22:00Z", "2026-07-14T23:00Z" })
        );
    }

    [Test]
    public void FixedOffsetRules_AreMatched()
    {
        Assert.That(
            Starts(KolkataRules, "India Office", "20260115T090000", "2026-01-01T00:00Z", "2026-02-01T00:00Z"),
            Is.EqualTo(new[] { "2026-01-15T03:30Z" })
        );
    }

    [Test]
    public void KnownNames_AreNotReinterpreted_ByTheFeedsVTimeZone()
    {
        // A VTIMEZONE named America/New_York with Berlin's rules: the IANA name wins (09:00 EST = 14:00Z).
        Assert.That(
            Starts(
                BerlinRules.Replace("Customized Time Zone", "America/New_York", StringComparison.Ordinal),
                "America/New_York",
                "20260115T090000",
                "2026-01-01T00:00Z",
                "2026-02-01T00:00Z"
            ),
            Is.EqualTo(new[] { "2026-01-15T14:00Z" })
        );
    }
}

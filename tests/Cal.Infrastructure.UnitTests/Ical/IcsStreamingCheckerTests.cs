using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Testing;

namespace Cal.Infrastructure.UnitTests.Ical;

/// <summary><see cref="Infrastructure.Ical.IcsStreamingChecker"/> as DI provides it, on the repository's sample files and hand-made
/// feeds.</summary>
[TestFixture]
public sealed class IcsStreamingCheckerTests
{
    private static readonly string[] SampleFolders = ["Recurrence", "Serialization", "Alarm", "Journal", "Todo"];

    /// <summary>
    /// Samples the checker refuses, with the line it names, recorded by running them all and read by hand;
    /// every other sample is a sound iCalendar structure. Ical.Net's loader refused DateTime1.ics (a year-0
    /// CREATED) and EmptyLines2.ics (blank lines, two VCALENDARs): value-level matters the structural check
    /// accepts, as ical.js does. Parse1.ics stays refused, but not for its ENCODING=QUOTED-PRINTABLE parameter:
    /// line 10 is a quoted-printable soft line break's continuation ("=" ends line 9, line 10 is not indented),
    /// so it holds neither ':' nor ';', which ical.js also rejects ("invalid line (no token ";" or ":")").
    /// </summary>
    private static readonly Dictionary<string, (int Line, string Why)> RejectedSamples = new(StringComparer.Ordinal)
    {
        ["Serialization/Parse1.ics"] = (10, "a quoted-printable soft line break leaves line 10 without ':' or ';', not a content line"),
    };

    // A pure function of the text: constructed, not resolved from a host.
    private readonly Infrastructure.Ical.IcsStreamingChecker parser = new();

    private IcsCheckResult Check(string text) => parser.CheckAsync(new StringReader(text), CancellationToken.None).GetAwaiter().GetResult();

    public static IEnumerable<TestCaseData> AllSamples() =>
        SampleFolders
            .SelectMany(IcsSamples.All)
            .Select(path => new TestCaseData(path.Replace('\\', '/')).SetArgDisplayNames(path.Replace('\\', '/')));

    // ---- the sample files ----

    [Test]
    public void Samples_AreAllFound()
    {
        Assert.That(AllSamples().Count(), Is.GreaterThanOrEqualTo(150), "the sample folders must be copied next to the tests");
    }

    [TestCaseSource(nameof(AllSamples))]
    public void Sample_IsJudgedAsRecorded(string path)
    {
        var result = Check(IcsSamples.Read(path));

        if (RejectedSamples.TryGetValue(path, out var rejected))
        {
            Assert.Multiple(() =>
            {
                Assert.That(result.IsValid, Is.False, rejected.Why);
                Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError), rejected.Why);
                Assert.That(result.Failure?.Line, Is.EqualTo(rejected.Line), rejected.Why);
                Assert.That(result.Failure?.Message, Does.StartWith($"The iCalendar data could not be parsed at line {rejected.Line}:"));
            });
        }
        else
        {
            Assert.That(result.Failure, Is.Null, $"{path} should load: {result.Failure?.Message}");
        }
    }

    // A representative set, each read by hand: a valid VCALENDAR with the components its folder is about.
    [TestCase("Recurrence/Daily1.ics", null)] // VEVENT with RRULE + VTIMEZONE
    [TestCase("Recurrence/YearlyComplex1.ics", null)]
    [TestCase("Recurrence/Bug2912657.ics", null)] // UTF-16 LE file
    [TestCase("Alarm/ALARM1.ics", null)] // VALARM inside VEVENT
    [TestCase("Journal/JOURNAL1.ics", null)] // VJOURNAL with a long folded DESCRIPTION
    [TestCase("Todo/Todo1.ics", null)] // VTODO
    [TestCase("Serialization/CaseInsensitive1.ics", null)] // BEGIN:vCalendar, LF line ends, very long lines
    [TestCase("Serialization/TimeZone1.ics", null)]
    [TestCase("Serialization/USHolidays.ics", "US Holidays")]
    [TestCase("Serialization/Google1.ics", "Test Calendar")]
    [TestCase("Serialization/Language1.ics", "Barça 2006 - 2007")] // UTF-8 name
    [TestCase("Serialization/ProdID2.ics", "UNC Basketball")] // X-WR-CALNAME;VALUE=TEXT:...
    [TestCase("Serialization/Outlook2007LineFolds.ics", "Parse Error Calendar")]
    [TestCase("Serialization/XProperty2.ics", "Jake Ginnivan")]
    [TestCase("Serialization/DateTime1.ics", "Test Calendar")] // CREATED:00001231T000000Z, a year-0 date: a value matter, accepted
    [TestCase("Serialization/EmptyLines2.ics", null)] // blank lines between components and two VCALENDARs
    public void RepresentativeSample_IsValidWithItsName(string path, string? calendarName)
    {
        var result = Check(IcsSamples.Read(path));

        Assert.That(result, Is.EqualTo(IcsCheckResult.Valid(calendarName)));
    }

    // ---- the calendar's name ----

    [Test]
    public void CalendarName_IsXWrCalname()
    {
        Assert.That(Check(IcsSamples.Simple("Team Rota")), Is.EqualTo(IcsCheckResult.Valid("Team Rota")));
    }

    [TestCase("X-WR-CALNAME:Équipe à Zürich\r\n", "Équipe à Zürich")]
    [TestCase("X-WR-CALNAME:Smith\\, Jones\\; Co\r\n", "Smith, Jones; Co")]
    [TestCase("X-WR-CALNAME:A name that was\r\n  folded\r\n", "A name that was folded")]
    [TestCase("x-wr-calname:lower case\r\n", "lower case")]
    [TestCase("", null)]
    [TestCase("X-WR-CALNAME:\r\n", null)]
    [TestCase("X-WR-CALNAME:   \r\n", null)]
    public void CalendarName_IsUnescapedOrNull(string nameLine, string? expected)
    {
        var content =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cal//Tests//EN\r\n"
            + nameLine
            + "BEGIN:VEVENT\r\nUID:n1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

        Assert.That(Check(content), Is.EqualTo(IcsCheckResult.Valid(expected)));
    }

    // ---- not iCalendar at all ----

    public static IEnumerable<TestCaseData> NotCalendars()
    {
        yield return new TestCaseData("<!doctype html><html><body>Sign in</body></html>").SetArgDisplayNames("html");
        yield return new TestCaseData("{\"events\":[]}").SetArgDisplayNames("json");
        yield return new TestCaseData("").SetArgDisplayNames("empty");
        yield return new TestCaseData("  \r\n\t\r\n").SetArgDisplayNames("whitespace");
        yield return new TestCaseData("\uFEFF").SetArgDisplayNames("bom only");
        yield return new TestCaseData(
            Encoding.Latin1.GetString(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray())
        ).SetArgDisplayNames("binary");
        yield return new TestCaseData("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj").SetArgDisplayNames("pdf");
        yield return new TestCaseData("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane\r\nEND:VCARD\r\n").SetArgDisplayNames("vcard");
        yield return new TestCaseData("BEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\n").SetArgDisplayNames("bare vevent");
        yield return new TestCaseData("X-NOTE:hello\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").SetArgDisplayNames("calendar after a line");
        yield return new TestCaseData("BEGIN : VCALENDAR\r\nEND:VCALENDAR\r\n").SetArgDisplayNames("spaced begin");
    }

    [TestCaseSource(nameof(NotCalendars))]
    public void NonCalendarContent_IsNotIcalendar(string content)
    {
        var result = Check(content);

        Assert.Multiple(() =>
        {
            Assert.That(result.CalendarName, Is.Null);
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.NotIcalendar));
            Assert.That(result.Failure?.Line, Is.Null);
        });
    }

    // ---- tolerated variations ----

    [TestCase("\r\n\r\n")]
    [TestCase("\n")]
    public void LeadingBlankLines_AreAccepted(string prefix)
    {
        Assert.That(Check(prefix + IcsSamples.Simple("Prefixed")), Is.EqualTo(IcsCheckResult.Valid("Prefixed")));
    }

    [TestCase("\uFEFF")]
    [TestCase("   \t")]
    [TestCase("\uFEFF\r\n  ")]
    public void LeadingBomOrSpaces_AreAccepted(string prefix)
    {
        Assert.That(Check(prefix + IcsSamples.Simple("Prefixed")), Is.EqualTo(IcsCheckResult.Valid("Prefixed")));
    }

    [TestCase("\n")]
    [TestCase("\r")]
    public void OtherLineEnds_AreAccepted(string lineEnd)
    {
        var content = IcsSamples.Simple("Line ends").Replace("\r\n", lineEnd, StringComparison.Ordinal);

        Assert.That(Check(content), Is.EqualTo(IcsCheckResult.Valid("Line ends")));
    }

    [Test]
    public void LowerCaseBegin_IsAccepted()
    {
        var content = "begin:vcalendar\r\nversion:2.0\r\nprodid:x\r\nx-wr-calname:Quiet\r\nend:vcalendar\r\n";

        Assert.That(Check(content), Is.EqualTo(IcsCheckResult.Valid("Quiet")));
    }

    // ---- broken calendars: parse_error with the line ----

    [Test]
    public void LineWithoutColon_IsParseErrorAtThatLine()
    {
        var content = Lines(
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Cal//Tests//EN",
            "BEGIN:VEVENT",
            "Confidential board agenda item 42", // line 5
            "UID:1",
            "END:VEVENT",
            "END:VCALENDAR"
        );

        var result = Check(content);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
            Assert.That(result.Failure?.Line, Is.EqualTo(5));
            Assert.That(result.Failure?.Message, Does.StartWith("The iCalendar data could not be parsed at line 5:"));
            AssertNoFeedText(result, "Confidential", "agenda", "42");
        });
    }

    [Test]
    public void MismatchedEnd_IsParseErrorAtTheWrongEnd()
    {
        var content = Lines(
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Cal//Tests//EN",
            "BEGIN:VEVENT",
            "UID:mismatch-1",
            "SUMMARY:Private dentist visit",
            "END:VTODO", // line 7
            "END:VCALENDAR"
        );

        var result = Check(content);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
            Assert.That(result.Failure?.Line, Is.EqualTo(7));
            AssertNoFeedText(result, "VTODO", "VEVENT", "dentist");
        });
    }

    [TestCase("\r\n")]
    [TestCase("")]
    [TestCase("\r\n\r\n\r\n")]
    public void UnclosedComponent_IsParseErrorAtTheLastLine(string trailing)
    {
        var content =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cal//Tests//EN\r\nBEGIN:VEVENT\r\nUID:open-1\r\nSUMMARY:Never closed" + trailing;

        var result = Check(content);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
            Assert.That(result.Failure?.Line, Is.EqualTo(6));
            AssertNoFeedText(result, "VEVENT", "Never closed");
        });
    }

    [Test]
    public void TruncatedDownload_IsParseErrorAtTheLastLine()
    {
        var whole = IcsSamples.Read("Serialization/USHolidays.ics");
        var cut = whole[..(whole.IndexOf('\n', whole.Length / 2) + 1)]; // the download stopped after a whole line
        var lastLine = cut.Count(c => c == '\n');

        var result = Check(cut);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
            Assert.That(result.Failure?.Line, Is.EqualTo(lastLine));
        });
    }

    [Test]
    public void FoldedBrokenLine_IsParseErrorAtItsFirstPhysicalLine()
    {
        var content = Lines(
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Cal//Tests//EN",
            "BEGIN:VEVENT",
            "UID:fold-1",
            "THIS-LINE-HAS-NO-COLON and goes on", // line 6
            "  and on over a fold",
            "END:VEVENT",
            "END:VCALENDAR"
        );

        var result = Check(content);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
            Assert.That(result.Failure?.Line, Is.EqualTo(6));
            Assert.That(result.Failure?.Message, Does.StartWith("The iCalendar data could not be parsed at line 6:"));
        });
    }

    [Test]
    public void BlankLinesBeforeTheError_AreCountedAsPhysicalLines()
    {
        var content = Lines("BEGIN:VCALENDAR", "VERSION:2.0", "", "", "BEGIN:VEVENT", "not a property", "END:VEVENT", "END:VCALENDAR");

        Assert.That(Check(content).Failure?.Line, Is.EqualTo(6));
    }

    [Test]
    public void ControlCharacterInAValue_IsParseErrorAtThatLine()
    {
        var content = Lines("BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "SUMMARY:bell\u0007here", "END:VEVENT", "END:VCALENDAR");

        var result = Check(content);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
            Assert.That(result.Failure?.Line, Is.EqualTo(4));
        });
    }

    [Test]
    public void PropertyAfterTheCalendar_IsParseErrorAtThatLine()
    {
        var content = Lines("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "END:VCALENDAR", "X-TRAILER:left over");

        Assert.That(Check(content).Failure?.Line, Is.EqualTo(5));
    }

    [Test]
    public void MalformedValueInASoundStructure_IsAccepted_AsCalComAcceptsIt()
    {
        // The save-time check is structural (like ical.js's ICAL.parse); busy times skip an event they cannot read.
        var content = Lines(
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "BEGIN:VEVENT",
            "UID:r1",
            "DTSTART:garbage",
            "RRULE:FREQ=FORTNIGHTLYISH",
            "END:VEVENT",
            "END:VCALENDAR"
        );

        Assert.That(Check(content).Failure, Is.Null);
    }

    [Test]
    public void LineWithoutColonContainingAnApostrophe_IsParseErrorAtThatLine()
    {
        var content = Lines(
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "BEGIN:VEVENT",
            "DESCRIPTION:Bring your laptop.",
            "Don't forget the snacks", // line 5: a continuation line that lost its leading space
            "END:VEVENT",
            "END:VCALENDAR"
        );

        var result = Check(content);

        Assert.That(result.Failure?.Line, Is.EqualTo(5));
    }

    [Test]
    public void MismatchedEndAfterACorrectOne_IsParseErrorAtTheWrongEnd()
    {
        var content = Lines(
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "BEGIN:VTODO",
            "UID:t1",
            "END:VTODO", // line 5: correct
            "BEGIN:VEVENT",
            "UID:e1",
            "END:VTODO", // line 8: wrong
            "END:VCALENDAR"
        );

        Assert.That(Check(content).Failure?.Line, Is.EqualTo(8));
    }

    // ---- helpers ----

    private static string Lines(params string[] lines) => string.Join("\r\n", lines) + "\r\n";

    private static void AssertNoFeedText(IcsCheckResult result, params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            Assert.That(result.Failure?.Message, Does.Not.Contain(fragment), "the message must not quote the feed");
        }
    }
}

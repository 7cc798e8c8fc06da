using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Ical;

namespace Cal.Infrastructure.IntegrationTests.Ical;

/// <summary>What the one-pass checker must get right because it reads in chunks and never holds the feed.</summary>
public sealed class IcsStreamingCheckerStreamTests
{
    private readonly IcsStreamingChecker checker = new();

    private IcsCheckResult Check(string text) => checker.CheckAsync(new StringReader(text), CancellationToken.None).GetAwaiter().GetResult();

    private static string Calendar(params string[] body) =>
        string.Join("\r\n", new[] { "BEGIN:VCALENDAR", "VERSION:2.0" }.Concat(body).Append("END:VCALENDAR")) + "\r\n";

    [Test]
    public void CrLfSplitAcrossTheReadChunk_IsOneLineBreak()
    {
        // A \r as the 65,536th character: the \n arrives in the next 64K-character chunk.
        var head = "BEGIN:VCALENDAR\r\nX-PAD:";
        var padding = new string('a', 65536 - head.Length - 1);
        var text = head + padding + "\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nbroken line\r\nEND:VCALENDAR\r\n";
        Assert.That(text[65535], Is.EqualTo('\r'));

        Assert.That(Check(text).Failure?.Line, Is.EqualTo(6), "lines counted across the chunk boundary");
        Assert.That(Check(text.Replace("broken line\r\n", "", StringComparison.Ordinal)).IsValid, Is.True);
    }

    [Test]
    public void LineLongerThanTheLimit_IsParseError_WithoutHoldingIt()
    {
        var text = Calendar("X-HUGE:" + new string('x', IcsStreamingChecker.MaxLineLength + 10));
        var result = Check(text);
        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
        Assert.That(result.Failure?.Line, Is.EqualTo(3));
    }

    [Test]
    public void FoldedLineLongerThanTheLimit_IsParseError()
    {
        var chunk = new string('x', 70);
        var folds = Enumerable.Repeat(" " + chunk, (IcsStreamingChecker.MaxLineLength / 70) + 2);
        Assert.That(Check(Calendar(["DESCRIPTION:start", .. folds])).Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
    }

    [Test]
    public void NestingDeeperThanTheLimit_IsParseError()
    {
        var depth = IcsStreamingChecker.MaxDepth;
        var begins = Enumerable.Range(0, depth).Select(i => $"BEGIN:X-LEVEL{i}");
        var ends = Enumerable.Range(0, depth).Reverse().Select(i => $"END:X-LEVEL{i}");
        Assert.That(Check(Calendar([.. begins, .. ends])).Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));

        var fits = Enumerable.Range(0, depth - 1);
        Assert.That(Check(Calendar([.. fits.Select(i => $"BEGIN:X-LEVEL{i}"), .. fits.Reverse().Select(i => $"END:X-LEVEL{i}")])).IsValid, Is.True);
    }

    [TestCase("ATTENDEE;CN=\"Doe; Jane: CEO\";ROLE=CHAIR:mailto:jane@example.com", true)]
    [TestCase("DTSTART;TZID=\"Europe/Berlin\":20260105T090000", true)]
    [TestCase("CATEGORIES;X-A=one,two,\"th,ree\":a,b", true)]
    [TestCase("ATTENDEE;CN=\"unclosed:mailto:jane@example.com", false)]
    [TestCase("ATTENDEE;CN=Ja\"ne:mailto:jane@example.com", false)]
    [TestCase("ATTENDEE;=x:mailto:jane@example.com", false)]
    [TestCase("ATTENDEE;CN:mailto:jane@example.com", false)]
    [TestCase("BAD NAME:value", false)]
    [TestCase(":value without a name", false)]
    public void ParameterGrammar(string line, bool valid)
    {
        var result = Check(Calendar("BEGIN:VEVENT", line, "END:VEVENT"));
        Assert.That(result.IsValid, Is.EqualTo(valid), result.Failure?.Message);
        if (!valid)
        {
            Assert.That(result.Failure?.Line, Is.EqualTo(4));
        }
    }

    [Test]
    public void UnicodeLineSeparatorsInsideValues_AreNotLineBreaks()
    {
        var text = Calendar("BEGIN:VEVENT", "SUMMARY:Wait\u0085 and\u2028see", "bad", "END:VEVENT");
        Assert.That(Check(text).Failure?.Line, Is.EqualTo(5));
    }

    [TestCase("\n")]
    [TestCase("\r")]
    [TestCase("\r\n")]
    public void EveryLineEnd_CountsLinesTheSame(string lineEnd)
    {
        var text = string.Join(lineEnd, "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "oops", "END:VEVENT", "END:VCALENDAR");
        Assert.That(Check(text).Failure?.Line, Is.EqualTo(4));
    }

    [Test]
    public void SeveralCalendarsInOneFeed_AreValid_AndTheFirstNameWins()
    {
        var text = Calendar("X-WR-CALNAME:First") + Calendar("X-WR-CALNAME:Second");
        Assert.That(Check(text), Is.EqualTo(IcsCheckResult.Valid("First")));
    }

    [Test]
    public void LowerCaseMismatchedEnd_IsParseErrorAtThatLine()
    {
        Assert.That(Check("begin:vcalendar\r\nbegin:vevent\r\nend:vtodo\r\nend:vcalendar\r\n").Failure?.Line, Is.EqualTo(3));
    }

    [Test]
    public void ComponentOutsideVcalendar_IsParseError()
    {
        var result = Check("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n");
        Assert.That(result.Failure?.Line, Is.EqualTo(3));
    }

    [Test]
    public void BinaryAfterAValidStart_IsParseError()
    {
        var text = "BEGIN:VCALENDAR\r\n" + Encoding.Latin1.GetString([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02]) + "\r\nEND:VCALENDAR\r\n";
        Assert.That(Check(text).Failure?.Line, Is.EqualTo(2));
    }

    [Test]
    public void FailureMessages_NeverQuoteTheFeed()
    {
        var marker = "Zq7Marker";
        string[] broken =
        [
            Calendar($"BEGIN:VEVENT", $"{marker} no colon", "END:VEVENT"),
            Calendar($"BEGIN:{marker}", $"END:V{marker}"),
            $"BEGIN:VCALENDAR\r\nBEGIN:{marker}\r\n",
            Calendar($"X-{marker};P=\"open:v"),
            $"<html>{marker}</html>",
        ];

        foreach (var text in broken)
        {
            var result = Check(text);
            Assert.That(result.IsValid, Is.False, text);
            Assert.That(result.Failure!.Message, Does.Not.Contain(marker).IgnoreCase);
        }
    }
}

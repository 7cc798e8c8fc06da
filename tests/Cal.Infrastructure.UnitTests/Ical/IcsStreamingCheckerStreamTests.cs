using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Ical;
using Cal.Testing;

namespace Cal.Infrastructure.UnitTests.Ical;

/// <summary>What the one-pass checker must get right because it reads in chunks and never holds the feed.</summary>
[TestFixture]
public sealed class IcsStreamingCheckerStreamTests
{
    private static readonly string[] SampleFolders = ["Recurrence", "Serialization", "Alarm", "Journal", "Todo"];

    private readonly IcsStreamingChecker checker = new();

    private IcsCheckResult Check(string text) =>
        checker.CheckAsync(new StringReader(text), CancellationToken.None).GetAwaiter().GetResult();

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
        Assert.That(
            Check(Calendar([.. fits.Select(i => $"BEGIN:X-LEVEL{i}"), .. fits.Reverse().Select(i => $"END:X-LEVEL{i}")])).IsValid,
            Is.True
        );
    }

    [TestCase("ATTENDEE;CN=\"Doe; Jane: CEO\";ROLE=CHAIR:mailto:jane@example.com", true)]
    [TestCase("DTSTART;TZID=\"Europe/Berlin\":20260105T090000", true)]
    [TestCase("CATEGORIES;X-A=one,two,\"th,ree\":a,b", true)]
    [TestCase("ATTENDEE;CN=\"unclosed:mailto:jane@example.com", false)]
    [TestCase("ATTENDEE;CN=Ja\"ne:mailto:jane@example.com", false)]
    [TestCase("ATTENDEE;=x:mailto:jane@example.com", false)]
    [TestCase("ATTENDEE;CN:mailto:jane@example.com", false)]
    [TestCase("BAD NAME:value", true)] // spaces in a name are dropped, as cal.com's parser (ical.js) reads them
    [TestCase("BAD@NAME:value", false)]
    [TestCase("GROUP1.X-TEST:value", true)]
    [TestCase("REFRESH - INTERVAL; VALUE = DURATION:PT48H", true)]
    [TestCase("DTSTART;;VALUE=DATE-TIME:20260105T090000Z", true)]
    [TestCase("BAD@GROUP.X-TEST:value", false)]
    [TestCase(".X-TEST:value", false)]
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
            Calendar("BEGIN:VEVENT", $"{marker}'s line, don't", "END:VEVENT"),
            Calendar("BEGIN:VEVENT", $"X-{marker}:" + new string('m', IcsStreamingChecker.MaxLineLength), "END:VEVENT"),
            Calendar([.. Enumerable.Range(0, IcsStreamingChecker.MaxDepth).Select(i => $"BEGIN:X-{marker}{i}")]),
            Calendar($"SUMMARY:bell{marker}\u0007"),
            Calendar($"X-A;{marker}:v"),
            Calendar($"X-A;P=a\"{marker}\":v"),
            Calendar($"{marker}@NAME:v"),
            Calendar() + $"X-AFTER:{marker}\r\n",
            $"END:{marker}\r\n",
            $"BEGIN:VCALENDAR\r\nEND:{marker}\r\n",
            $"BEGIN:VCALENDAR\r\nX-{marker}:open",
        ];

        foreach (var text in broken)
        {
            var result = Check(text);
            Assert.That(result.IsValid, Is.False, text);
            Assert.That(result.Failure!.Message, Does.Not.Contain(marker).IgnoreCase);
        }
    }

    // ---- chunk boundaries anywhere: the result must not depend on how the reader splits the text ----

    public static IEnumerable<TestCaseData> ChunkSizes() =>
        new[] { 1, 2, 3, 7, 4096 }.Select(n => new TestCaseData(n).SetArgDisplayNames($"at most {n} chars a read"));

    [TestCaseSource(nameof(ChunkSizes))]
    public async Task EverySample_ReadInSmallPieces_IsJudgedAsWhole(int mostPerRead)
    {
        var mismatches = new List<string>();
        foreach (var path in SampleFolders.SelectMany(IcsSamples.All))
        {
            var text = IcsSamples.Read(path);
            var whole = await checker.CheckAsync(new StringReader(text), CancellationToken.None);
            var pieces = await checker.CheckAsync(new TrickleReader(text, mostPerRead), CancellationToken.None);
            if (whole != pieces)
            {
                mismatches.Add($"{path}: whole {whole}, in pieces {pieces}");
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    public static IEnumerable<TestCaseData> BrokenTexts()
    {
        foreach (var lineEnd in new[] { "\r\n", "\n", "\r" })
        {
            var name = lineEnd.Replace("\r", "CR", StringComparison.Ordinal).Replace("\n", "LF", StringComparison.Ordinal);
            string Join(params string[] lines) => string.Join(lineEnd, lines) + lineEnd;
            yield return new TestCaseData(
                Join("BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "no colon here", "END:VEVENT", "END:VCALENDAR"),
                4
            ).SetArgDisplayNames($"no colon, {name}");
            yield return new TestCaseData(
                Join("BEGIN:VCALENDAR", "BEGIN:VEVENT", "DESCRIPTION:folded", " on", "\tand on", "bad line", "END:VEVENT", "END:VCALENDAR"),
                6
            ).SetArgDisplayNames($"after folds, {name}");
            yield return new TestCaseData(
                Join("BEGIN:VCALENDAR", "BEGIN:VTODO", "END:VTODO", "BEGIN:VEVENT", "END:VTODO", "END:VCALENDAR"),
                5
            ).SetArgDisplayNames($"mismatched end, {name}");
            yield return new TestCaseData(Join("BEGIN:VCALENDAR", "", "", "BEGIN:VEVENT", "UID:1"), 5).SetArgDisplayNames(
                $"unclosed, {name}"
            );
            yield return new TestCaseData(Join("BEGIN:VCALENDAR", "END:VCALENDAR", "X-AFTER:1"), 3).SetArgDisplayNames(
                $"after the calendar, {name}"
            );
        }
    }

    [TestCaseSource(nameof(BrokenTexts))]
    public async Task BrokenText_ReadInAnyPieces_NamesTheSameLine(string text, int line)
    {
        foreach (var most in new[] { 1, 2, 3, 5, 64 * 1024 })
        {
            var result = await checker.CheckAsync(new TrickleReader("\uFEFF" + text, most), CancellationToken.None);
            Assert.That(result.Failure?.Line, Is.EqualTo(line), $"at most {most} chars a read");
        }
    }

    /// <summary>Hands out at most <c>most</c> characters per read, so lines, CRLFs and folds straddle reads everywhere.</summary>
    private sealed class TrickleReader(string text, int most) : TextReader
    {
        private int position;

        public override int Peek() => position < text.Length ? text[position] : -1;

        public override int Read() => position < text.Length ? text[position++] : -1;

        public override int Read(Span<char> buffer)
        {
            var count = Math.Min(Math.Min(most, buffer.Length), text.Length - position);
            text.AsSpan(position, count).CopyTo(buffer);
            position += count;
            return count;
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer, index, count));
    }
}

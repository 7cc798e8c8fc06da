using Cal.Infrastructure.Ical;

namespace Cal.Infrastructure.IntegrationTests.Ical;

/// <summary><see cref="ParseErrorLocator"/> on its own: Ical.Net's message texts in, 1-based physical line numbers out.</summary>
[TestFixture]
public sealed class ParseErrorLocatorTests
{
    private const string Calendar =
        "BEGIN:VCALENDAR\r\n" + // 1
        "VERSION:2.0\r\n" + // 2
        "BEGIN:VEVENT\r\n" + // 3
        "UID:1\r\n" + // 4
        "garbage here\r\n" + // 5
        "END:VEVENT\r\n" + // 6
        "END:VTODO\r\n" + // 7
        "END:VCALENDAR\r\n"; // 8

    [TestCase("Could not parse line: 'garbage here'", ExpectedResult = 5)]
    [TestCase("Expected 'END:VEVENT', found 'END:VTODO'", ExpectedResult = 7)] // the text found, not the one expected (line 6)
    [TestCase("Unclosed component VEVENT", ExpectedResult = 8)]
    [TestCase("Could not parse line: 'no such text'", ExpectedResult = null)]
    [TestCase("Something went wrong", ExpectedResult = null)]
    [TestCase("Could not parse line: ''", ExpectedResult = null)]
    [TestCase("only one ' quote", ExpectedResult = null)]
    [TestCase("", ExpectedResult = null)]
    public int? LineOf_FindsTheQuotedLine(string message) => ParseErrorLocator.LineOf(Calendar, message);

    [TestCase("\r\n")]
    [TestCase("\n")]
    [TestCase("\r")]
    public void LineOf_CountsEveryKindOfLineEnd(string lineEnd)
    {
        var content = Calendar.Replace("\r\n", lineEnd, StringComparison.Ordinal);

        Assert.Multiple(() =>
        {
            Assert.That(ParseErrorLocator.LineOf(content, "Could not parse line: 'garbage here'"), Is.EqualTo(5));
            Assert.That(ParseErrorLocator.LineOf(content, "Unclosed component VCALENDAR"), Is.EqualTo(8));
        });
    }

    [Test]
    public void LineOf_FoldedLine_IsItsFirstPhysicalLine()
    {
        var content = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nNO-COLON-HERE first part\r\n second part\r\n\tthird part\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

        var line = ParseErrorLocator.LineOf(content, "Could not parse line: 'NO-COLON-HERE first partsecond partthird part'");

        Assert.That(line, Is.EqualTo(3));
    }

    [Test]
    public void LineOf_FoldedLineAfterAnotherFold_IsStillFound()
    {
        var content = "BEGIN:VCALENDAR\r\nDESCRIPTION:long\r\n  text\r\nBROKEN\r\n  REST\r\nEND:VCALENDAR\r\n";

        Assert.That(ParseErrorLocator.LineOf(content, "Could not parse line: 'BROKEN REST'"), Is.EqualTo(4));
    }

    [Test]
    public void LineOf_BlankLines_CountButNeverMatch()
    {
        var content = "BEGIN:VCALENDAR\r\n\r\n\r\nbad\r\nEND:VCALENDAR\r\n";

        Assert.That(ParseErrorLocator.LineOf(content, "Could not parse line: 'bad'"), Is.EqualTo(4));
    }

    [TestCase("BEGIN:VCALENDAR\r\nBEGIN:VEVENT", ExpectedResult = 2)]
    [TestCase("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", ExpectedResult = 2)]
    [TestCase("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n\r\n\n\r", ExpectedResult = 2)]
    [TestCase("BEGIN:VCALENDAR", ExpectedResult = 1)]
    [TestCase("BEGIN:VCALENDAR\r\n\r\nBEGIN:VEVENT\r\n", ExpectedResult = 3)]
    public int? LineOf_UnclosedComponent_IsTheLastNonEmptyLine(string content) =>
        ParseErrorLocator.LineOf(content, "Unclosed component VCALENDAR");

    [Test]
    public void LineOf_PropertyBeforeTheFirstComponent_IsFound()
    {
        Assert.That(ParseErrorLocator.LineOf("\r\nUID:1\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "Expected 'BEGIN', found 'UID'"), Is.EqualTo(2));
    }

    [Test]
    public void LineOf_LineThatOnlyStartsWithTheQuote_IsNotTheAnswer()
    {
        var content = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\nSUMMARY:stray\r\n";

        Assert.That(ParseErrorLocator.LineOf(content, "Expected 'BEGIN', found 'SUMMARY'"), Is.EqualTo(6));
    }

    [Test]
    public void LineOf_QuotedLineWithApostrophe_IsFound()
    {
        var content = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDon't forget\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

        Assert.That(ParseErrorLocator.LineOf(content, "Could not parse line: 'Don't forget'"), Is.EqualTo(3));
    }

    [Test]
    public void LineOf_UnicodeLineSeparatorsInsideValues_DoNotCountAsLines()
    {
        var content = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Wait\u0085 and\u2028see\r\nbad\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

        Assert.Multiple(() =>
        {
            Assert.That(ParseErrorLocator.LineOf(content, "Could not parse line: 'bad'"), Is.EqualTo(4));
            Assert.That(ParseErrorLocator.LineOf(content[..content.IndexOf("END:VEVENT", StringComparison.Ordinal)], "Unclosed component VEVENT"), Is.EqualTo(4));
        });
    }

    [Test]
    public void LineOf_LowerCaseMismatchedEnd_IsFound()
    {
        var content = "begin:vcalendar\r\nbegin:vevent\r\nend:vtodo\r\nend:vcalendar\r\n";

        Assert.That(ParseErrorLocator.LineOf(content, "Expected 'END:VEVENT', found 'END:vtodo'"), Is.EqualTo(3));
    }
}

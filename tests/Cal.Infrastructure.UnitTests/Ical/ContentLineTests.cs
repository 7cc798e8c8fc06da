using Cal.Infrastructure.Ical;

namespace Cal.Infrastructure.UnitTests.Ical;

/// <summary>The one content-line tokenizer, as the checker (split and validate) and the index builder (a parameter) use it.</summary>
public sealed class ContentLineTests
{
    private static (string? Problem, string Name, string Parameters, string Value) Split(string line)
    {
        var problem = ContentLine.Split(line, new char[256], out var name, out var parameters, out var value);
        return (problem, name.ToString(), parameters.ToString(), value.ToString());
    }

    [TestCase("DTSTART;TZID=Europe/Berlin:20260105T090000", "DTSTART", ";TZID=Europe/Berlin", "20260105T090000")]
    [TestCase("SUMMARY:Lunch: at noon", "SUMMARY", "", "Lunch: at noon")]
    [TestCase(
        "ATTENDEE;CN=\"Doe; John: x\";ROLE=REQ-PARTICIPANT:mailto:j@example.com",
        "ATTENDEE",
        ";CN=\"Doe; John: x\";ROLE=REQ-PARTICIPANT",
        "mailto:j@example.com"
    )]
    [TestCase("CATEGORIES;X-A=\"a\",b,\"c\":one", "CATEGORIES", ";X-A=\"a\",b,\"c\"", "one")]
    [TestCase("DTSTART;;VALUE=DATE-TIME:20260302T090000Z", "DTSTART", ";;VALUE=DATE-TIME", "20260302T090000Z")]
    [TestCase("REFRESH - INTERVAL; VALUE = DURATION:PT48H", "REFRESH-INTERVAL", "; VALUE = DURATION", "PT48H")]
    [TestCase("GROUP1.X-TEST:grouped", "X-TEST", "", "grouped")]
    public void AWellFormedLine_IsSplitIntoNameParametersAndValue(string line, string name, string parameters, string value)
    {
        Assert.That(Split(line), Is.EqualTo(((string?)null, name, parameters, value)));
    }

    [TestCase("no colon at all", ContentLine.NotAContentLine)]
    [TestCase("DTSTART;TZID=Europe/Berlin", ContentLine.NotAContentLine)]
    [TestCase("DTSTART;", ContentLine.NotAContentLine)]
    [TestCase("DTSTART;TZID:20260105T090000", "a parameter must be NAME=value")]
    [TestCase("DTSTART;=x:20260105T090000", "a parameter must be NAME=value")]
    [TestCase("X;A=\"open:1", "a quoted parameter value is not closed")]
    [TestCase("X;A=b\"c\":1", "a quote inside an unquoted parameter value")]
    [TestCase("X;A=\"b\"c:1", "unexpected text after a quoted parameter value")]
    [TestCase("BAD NAME!:1", "a property name must be letters, digits and dashes")]
    [TestCase(".X:1", "a property name must be letters, digits and dashes")]
    public void AMalformedLine_SaysWhatIsWrong(string line, string problem)
    {
        Assert.That(Split(line).Problem, Is.EqualTo(problem));
    }

    [TestCase(";TZID=Europe/Berlin;VALUE=DATE", "TZID", "Europe/Berlin")]
    [TestCase(";TZID=Europe/Berlin;VALUE=DATE", "VALUE", "DATE")]
    [TestCase(";TZID=Europe/Berlin;VALUE=DATE", "RANGE", "")]
    [TestCase(";tzid=\"America/New_York\"", "TZID", "America/New_York")]
    [TestCase(";X-NOTE=\"a;b:c\";TZID=Asia/Tokyo", "TZID", "Asia/Tokyo")]
    [TestCase("; R ANGE = THISANDFUTURE", "RANGE", "THISANDFUTURE")]
    [TestCase(";;VALUE=DATE-TIME", "VALUE", "DATE-TIME")]
    [TestCase("", "TZID", "")]
    public void AParameter_IsFoundByName_CaseAndSpacesAside_QuotesRemoved(string parameters, string name, string value)
    {
        Assert.That(ContentLine.Parameter(parameters, name).ToString(), Is.EqualTo(value));
    }

    [Test]
    public void TheParametersTheCheckerSplits_AreTheOnesTheBuilderReads()
    {
        var (problem, _, parameters, _) = Split("DTSTART;X-Q=\"x;TZID=Wrong\";TZID = Europe/Paris ;VALUE=DATE-TIME:20260105T090000");

        Assert.That(problem, Is.Null);
        Assert.That(ContentLine.Parameter(parameters, "TZID").ToString(), Is.EqualTo("Europe/Paris"));
    }
}

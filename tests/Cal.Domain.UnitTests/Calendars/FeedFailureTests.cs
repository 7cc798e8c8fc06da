using System.Text.RegularExpressions;
using Cal.Domain.Calendars;

namespace Cal.Domain.UnitTests.Calendars;

public sealed class FeedFailureTests
{
    [TestCase(FeedFailureReason.Unreachable, "unreachable")]
    [TestCase(FeedFailureReason.Timeout, "timeout")]
    [TestCase(FeedFailureReason.HttpStatus, "http_status")]
    [TestCase(FeedFailureReason.TooLarge, "too_large")]
    [TestCase(FeedFailureReason.NotIcalendar, "not_icalendar")]
    [TestCase(FeedFailureReason.ParseError, "parse_error")]
    [TestCase(FeedFailureReason.BlockedAddress, "blocked_address")]
    [TestCase(FeedFailureReason.TooManyRedirects, "too_many_redirects")]
    public void WireName_IsTheSnakeCaseName(FeedFailureReason reason, string expected)
    {
        Assert.That(FeedFailure.WireName(reason), Is.EqualTo(expected));
    }

    [Test]
    public void WireName_NamesEveryReason_InSnakeCase()
    {
        foreach (var reason in Enum.GetValues<FeedFailureReason>())
        {
            string name = "";
            Assert.That(() => name = FeedFailure.WireName(reason), Throws.Nothing, $"{reason} has no wire name");
            Assert.That(name, Does.Match("^[a-z]+(_[a-z]+)*$"), $"{reason}'s wire name is not snake case");
        }
    }

    [Test]
    public void WireName_IsDistinctForEveryReason()
    {
        var names = Enum.GetValues<FeedFailureReason>().Select(FeedFailure.WireName).ToList();

        Assert.That(names, Is.Unique);
    }

    [Test]
    public void WireName_IsTheEnumNameInSnakeCase_ForEveryReason()
    {
        foreach (var reason in Enum.GetValues<FeedFailureReason>())
        {
            var expected =
                reason == FeedFailureReason.NotCalDav
                    ? "not_caldav" // the contract's word: CalDAV is one word
                    : Regex.Replace(reason.ToString(), "(?<!^)([A-Z])", "_$1").ToLowerInvariant();
            Assert.That(FeedFailure.WireName(reason), Is.EqualTo(expected), reason.ToString());
        }
    }

    [Test]
    public void WireName_OfAnUndefinedValue_Throws()
    {
        Assert.That(() => FeedFailure.WireName((FeedFailureReason)999), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}

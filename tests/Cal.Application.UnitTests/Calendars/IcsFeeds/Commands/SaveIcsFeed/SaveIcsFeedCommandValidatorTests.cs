using Cal.Application.Calendars.IcsFeeds.Commands.SaveIcsFeed;
using Cal.Application.Calendars.IcsFeeds.Common;
using FluentValidation.TestHelper;

namespace Cal.Application.UnitTests.Calendars.IcsFeeds.Commands.SaveIcsFeed;

public sealed class SaveIcsFeedCommandValidatorTests
{
    private readonly SaveIcsFeedCommandValidator validator = new();

    private static SaveIcsFeedCommand Command(params string?[] urls) => new(7, IcsFeedUrlsInput.Parse(urls), null);

    private static string[] DistinctUrls(int count) => Enumerable.Range(0, count).Select(i => $"https://feed{i}.example/cal.ics").ToArray();

    [Test]
    public void Validate_OneValidUrl_Passes()
    {
        validator.TestValidate(Command("https://cal.example/feed.ics")).ShouldNotHaveAnyValidationErrors();
    }

    [Test]
    public void Validate_NullUrls_IsRefusedUnderUrls()
    {
        var result = validator.TestValidate(new SaveIcsFeedCommand(7, IcsFeedUrlsInput.Parse(null), null));

        result.ShouldHaveValidationErrorFor("urls").WithErrorMessage("is required: an array of 1 to 50 feed URLs").Only();
    }

    [Test]
    public void Validate_EmptyList_IsRefusedUnderUrls()
    {
        var result = validator.TestValidate(Command());

        result.ShouldHaveValidationErrorFor("urls").WithErrorMessage("must hold between 1 and 50 URLs").Only();
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(50)]
    public void Validate_UpTo50DistinctUrls_Passes(int count)
    {
        validator.TestValidate(Command(DistinctUrls(count))).ShouldNotHaveAnyValidationErrors();
    }

    [TestCase(51)]
    [TestCase(200)]
    public void Validate_MoreThan50Urls_IsRefused(int count)
    {
        var result = validator.TestValidate(Command(DistinctUrls(count)));

        result.ShouldHaveValidationErrorFor("urls").WithErrorMessage("must hold between 1 and 50 URLs").Only();
    }

    [Test]
    public void MaxUrls_IsCalComs50()
    {
        Assert.That(IcsFeedUrlsInput.MaxUrls, Is.EqualTo(50));
    }

    [TestCase(0, "ftp://cal.example/feed.ics", "must be an absolute http, https or webcal URL")]
    [TestCase(1, "", "must not be empty")]
    [TestCase(2, null, "must not be empty")]
    [TestCase(3, "https://user:pass@cal.example/feed.ics", "must not contain a user name or password")]
    [TestCase(4, "javascript:alert(1)", "must be an absolute http, https or webcal URL")]
    public void Validate_InvalidElement_IsReportedAtItsExactIndex(int index, string? bad, string expectedMessage)
    {
        var urls = DistinctUrls(5).Cast<string?>().ToArray();
        urls[index] = bad;

        var result = validator.TestValidate(Command(urls));

        result.ShouldHaveValidationErrorFor($"urls[{index}]").WithErrorMessage(expectedMessage).Only();
    }

    [Test]
    public void Validate_TooLongElement_IsReportedAtItsIndex()
    {
        var tooLong = "https://cal.example/" + new string('a', 2049);

        var result = validator.TestValidate(Command("https://a.example/a.ics", tooLong));

        result.ShouldHaveValidationErrorFor("urls[1]").WithErrorMessage("must be at most 2048 characters").Only();
    }

    [Test]
    public void Validate_Duplicate_IsReportedAtTheLaterIndex_NamingTheEarlierOne()
    {
        var result = validator.TestValidate(Command("https://a.example/a.ics", "https://b.example/b.ics", "https://b.example/b.ics"));

        result.ShouldHaveValidationErrorFor("urls[2]").WithErrorMessage("repeats urls[1]; URLs must be distinct").Only();
    }

    [Test]
    public void Validate_ThreeCopies_ReportsBothLaterOnes_AgainstTheFirst()
    {
        var result = validator.TestValidate(Command("https://a.example/a.ics", "https://a.example/a.ics", "https://a.example/a.ics"));

        result.ShouldHaveValidationErrorFor("urls[1]").WithErrorMessage("repeats urls[0]; URLs must be distinct");
        result.ShouldHaveValidationErrorFor("urls[2]").WithErrorMessage("repeats urls[0]; URLs must be distinct");
        Assert.That(result.Errors, Has.Count.EqualTo(2));
    }

    [TestCase("webcal://cal.example/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("https://cal.example/feed.ics", "webcal://cal.example/feed.ics")]
    [TestCase("webcal://cal.example:443/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("https://cal.example:443/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("HTTPS://CAL.EXAMPLE/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("http://cal.example:80/feed.ics", "http://cal.example/feed.ics")]
    public void Validate_TwoSpellingsOfTheSameFeed_AreDuplicates(string first, string second)
    {
        var result = validator.TestValidate(Command(first, second));

        result.ShouldHaveValidationErrorFor("urls[1]").WithErrorMessage("repeats urls[0]; URLs must be distinct").Only();
    }

    [TestCase("http://cal.example/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("https://cal.example/feed.ics", "https://cal.example/Feed.ics")]
    [TestCase("https://cal.example/feed.ics", "https://cal.example:8443/feed.ics")]
    [TestCase("https://cal.example/feed.ics?a=1", "https://cal.example/feed.ics?a=2")]
    public void Validate_DifferentFeeds_AreNotDuplicates(string first, string second)
    {
        validator.TestValidate(Command(first, second)).ShouldNotHaveAnyValidationErrors();
    }

    [Test]
    public void Validate_UnicodeAndPunycodeSpellingsOfOneHost_AreDuplicates()
    {
        var result = validator.TestValidate(Command("https://bücher.example/feed.ics", "https://xn--bcher-kva.example/feed.ics"));

        result.ShouldHaveValidationErrorFor("urls[1]").WithErrorMessage("repeats urls[0]; URLs must be distinct");
    }

    [Test]
    public void Validate_InvalidElement_IsNotAlsoCountedForDuplicates()
    {
        var result = validator.TestValidate(Command("ftp://x.example/a", "ftp://x.example/a"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Errors.Select(e => e.PropertyName), Is.EqualTo(new[] { "urls[0]", "urls[1]" }));
            Assert.That(result.Errors.Select(e => e.ErrorMessage), Has.All.EqualTo("must be an absolute http, https or webcal URL"));
        });
    }

    [Test]
    public void Validate_SeveralProblems_AreAllReportedAtOnce()
    {
        var result = validator.TestValidate(
            Command("https://a.example/a.ics", "ftp://b.example/b.ics", "webcal://a.example/a.ics", "", "https://user:pw@c.example/c.ics")
        );

        Assert.That(
            result.Errors.Select(e => (e.PropertyName, e.ErrorMessage)),
            Is.EquivalentTo(
                new[]
                {
                    ("urls[1]", "must be an absolute http, https or webcal URL"),
                    ("urls[2]", "repeats urls[0]; URLs must be distinct"),
                    ("urls[3]", "must not be empty"),
                    ("urls[4]", "must not contain a user name or password"),
                }
            )
        );
    }

    [Test]
    public void Validate_TooManyUrls_AlsoReportsBadElements()
    {
        var urls = DistinctUrls(51);
        urls[50] = urls[0];

        var result = validator.TestValidate(Command(urls));

        result.ShouldHaveValidationErrorFor("urls").WithErrorMessage("must hold between 1 and 50 URLs");
        result.ShouldHaveValidationErrorFor("urls[50]").WithErrorMessage("repeats urls[0]; URLs must be distinct");
    }
}

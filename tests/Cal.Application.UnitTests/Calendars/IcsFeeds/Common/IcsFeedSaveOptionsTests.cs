using System.ComponentModel.DataAnnotations;
using Cal.Application.Calendars.IcsFeeds.Common;

namespace Cal.Application.UnitTests.Calendars.IcsFeeds.Common;

public sealed class IcsFeedSaveOptionsTests
{
    private static List<string> Problems(IcsFeedSaveOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.SelectMany(r => r.MemberNames).ToList();
    }

    [Test]
    public void Defaults_AreValid_AndMatchTheDocumentedLimits()
    {
        var options = new IcsFeedSaveOptions();

        Assert.That(Problems(options), Is.Empty);
        Assert.That((options.SaveTimeout, options.MaxConcurrentFetchesPerSave), Is.EqualTo((TimeSpan.FromSeconds(20), 10)));
    }

    [TestCase(0)]
    [TestCase(49)]
    [TestCase(30 * 60 * 1000 + 1)]
    public void SaveTimeout_OutOfRange_IsRefused(int milliseconds)
    {
        Assert.That(
            Problems(new IcsFeedSaveOptions { SaveTimeout = TimeSpan.FromMilliseconds(milliseconds) }),
            Is.EqualTo(new[] { nameof(IcsFeedSaveOptions.SaveTimeout) })
        );
    }
}

using System.ComponentModel.DataAnnotations;
using Cal.Infrastructure.Outbound;

namespace Cal.Infrastructure.UnitTests.Outbound;

public sealed class OutboundOptionsTests
{
    private static List<string> Problems(OutboundOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.SelectMany(r => r.MemberNames).ToList();
    }

    [Test]
    public void Defaults_AreValid_AndMatchTheDocumentedLimits()
    {
        var options = new OutboundOptions();

        Assert.Multiple(() =>
        {
            Assert.That(Problems(options), Is.Empty);
            Assert.That(options.FeedTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.MaxFeedBytes, Is.EqualTo(25L * 1024 * 1024));
            Assert.That(options.MaxRedirects, Is.EqualTo(5));
        });
    }

    [TestCase(0)]
    [TestCase(10 * 60 * 1000 + 1)]
    public void FeedTimeout_OutOfRange_IsRefused(int milliseconds)
    {
        Assert.That(
            Problems(new OutboundOptions { FeedTimeout = TimeSpan.FromMilliseconds(milliseconds) }),
            Is.EqualTo(new[] { nameof(OutboundOptions.FeedTimeout) })
        );
    }

    [TestCase(-1)]
    [TestCase(21)]
    public void MaxRedirects_OutOfRange_IsRefused(int redirects)
    {
        Assert.That(Problems(new OutboundOptions { MaxRedirects = redirects }), Is.EqualTo(new[] { nameof(OutboundOptions.MaxRedirects) }));
    }

    [TestCase(1023)]
    public void MaxFeedBytes_BelowOneKilobyte_IsRefused(long bytes)
    {
        Assert.That(Problems(new OutboundOptions { MaxFeedBytes = bytes }), Is.EqualTo(new[] { nameof(OutboundOptions.MaxFeedBytes) }));
    }
}

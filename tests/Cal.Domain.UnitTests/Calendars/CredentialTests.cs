using Cal.Domain.Calendars;

namespace Cal.Domain.UnitTests.Calendars;

public sealed class CredentialTests
{
    [Test]
    public void ForIcsFeed_IsAValidIcsFeedCredentialOfTheUser()
    {
        var credential = Credential.ForIcsFeed(7, "protected-blob");

        Assert.Multiple(() =>
        {
            Assert.That(credential.UserId, Is.EqualTo(7));
            Assert.That(credential.Type, Is.EqualTo("ics-feed_calendar"));
            Assert.That(credential.AppId, Is.EqualTo("ics-feed"));
            Assert.That(credential.ProtectedKey, Is.EqualTo("protected-blob"));
            Assert.That(credential.TeamId, Is.Null);
            Assert.That(credential.Invalid, Is.False);
        });
    }

    [TestCase("")]
    [TestCase("   ")]
    public void ForIcsFeed_WithoutASecret_Throws(string protectedKey)
    {
        Assert.That(() => Credential.ForIcsFeed(7, protectedKey), Throws.InstanceOf<ArgumentException>());
    }
}

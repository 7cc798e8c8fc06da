using Cal.Domain.Common;

namespace Cal.Domain.UnitTests.Common;

public sealed class IanaTimeZoneTests
{
    [TestCase("Europe/Berlin", "Europe/Berlin")]
    [TestCase("europe/berlin", "Europe/Berlin")]
    [TestCase(" America/New_York ", "America/New_York")]
    [TestCase("UTC", "UTC")]
    [TestCase("Etc/GMT+5", "Etc/GMT+5")]
    public void AnIanaId_IsParsed_InTheDatabasesSpelling(string text, string id)
    {
        Assert.That(IanaTimeZone.TryParse(text, out var zone), Is.True);
        Assert.That(zone!.Id, Is.EqualTo(id));
        Assert.That(zone.Tzdb.Id, Is.EqualTo(id));
    }

    [TestCase("W. Europe Standard Time")]
    [TestCase("Pacific Standard Time")]
    [TestCase("Mars/Olympus_Mons")]
    [TestCase("not a zone")]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase(null)]
    public void ANonIanaName_IsRefused(string? text)
    {
        Assert.That(IanaTimeZone.TryParse(text, out var zone), Is.False);
        Assert.That(zone, Is.Null);
        Assert.That(IanaTimeZone.IsValid(text), Is.False);
    }

    [Test]
    public void BothZones_AgreeOnTheOffset_AcrossASummerTimeChange()
    {
        var berlin = IanaTimeZone.Parse("Europe/Berlin");
        foreach (
            var at in new[]
            {
                new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero),
            }
        )
        {
            var noda = berlin.Tzdb.GetUtcOffset(NodaTime.Instant.FromDateTimeOffset(at)).ToTimeSpan();
            Assert.That(berlin.System.GetUtcOffset(at), Is.EqualTo(noda));
        }

        Assert.That(
            berlin.System.GetUtcOffset(new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero)),
            Is.EqualTo(TimeSpan.FromHours(2))
        );
    }

    [Test]
    public void AZone_IsOneValue_WhateverTheCasingItCameIn()
    {
        var a = IanaTimeZone.Parse("Europe/Berlin");
        var b = IanaTimeZone.Parse("EUROPE/BERLIN");
        Assert.That(a, Is.SameAs(b));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(a, Is.Not.EqualTo(IanaTimeZone.Utc));
        Assert.That(IanaTimeZone.Parse("utc"), Is.SameAs(IanaTimeZone.Utc));
    }

    [Test]
    public void Parse_OfANonZone_SaysTheOneMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => IanaTimeZone.Parse("Mars/Olympus_Mons"));
        Assert.That(error!.Message, Does.Contain(IanaTimeZone.InvalidMessage));
        Assert.That(IanaTimeZone.InvalidMessage, Is.EqualTo("must be an IANA time zone such as Europe/Berlin"));
    }
}

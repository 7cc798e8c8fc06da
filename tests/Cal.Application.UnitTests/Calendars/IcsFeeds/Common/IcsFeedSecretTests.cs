using System.Text.Json;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Domain.Calendars;

namespace Cal.Application.UnitTests.Calendars.IcsFeeds.Common;

public sealed class IcsFeedSecretTests
{
    [Test]
    public void Serialize_UsesCamelCaseUrlsAndReadOnly()
    {
        var json = IcsFeedSecretSerializer.Serialize(new IcsFeedCredentialSecret(["https://a.example/a.ics?x=1&y=2"], false));

        using var doc = JsonDocument.Parse(json);
        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("urls")[0].GetString(), Is.EqualTo("https://a.example/a.ics?x=1&y=2"));
            Assert.That(doc.RootElement.GetProperty("readOnly").GetBoolean(), Is.False);
        });
    }

    [Test]
    public void Deserialize_ReadsWhatSerializeWrote()
    {
        var settings = new IcsFeedCredentialSecret(["webcal://b.example/b", "https://a.example/a.ics"], true);

        var back = IcsFeedSecretSerializer.Deserialize(IcsFeedSecretSerializer.Serialize(settings));

        Assert.Multiple(() =>
        {
            Assert.That(back.Urls, Is.EqualTo(settings.Urls));
            Assert.That(back.ReadOnly, Is.True);
        });
    }

    [Test]
    public void Deserialize_OfJsonNull_Throws()
    {
        Assert.That(() => IcsFeedSecretSerializer.Deserialize("null"), Throws.InvalidOperationException);
    }
}

using Cal.Domain.Calendars;

namespace Cal.Domain.UnitTests.Calendars;

public sealed class IcsFeedUrlTests
{
    // The limit is written out here on purpose: a change of IcsFeedUrl.MaxLength must fail these tests.
    private const int Limit = 2048;

    [TestCase("http://cal.example/feed.ics", "http://cal.example/feed.ics")]
    [TestCase("https://cal.example/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("https://cal.example", "https://cal.example/")]
    // webcal is the same feed over https
    [TestCase("webcal://cal.example/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("webcal://cal.example:443/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("webcal://cal.example:80/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("webcal://cal.example:8443/feed.ics", "https://cal.example:8443/feed.ics")]
    [TestCase("webcal://cal.example:8080/feed.ics", "https://cal.example:8080/feed.ics")]
    // explicit default ports drop out, other ports stay
    [TestCase("http://cal.example:80/feed.ics", "http://cal.example/feed.ics")]
    [TestCase("https://cal.example:443/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("http://cal.example:443/feed.ics", "http://cal.example:443/feed.ics")]
    [TestCase("https://cal.example:80/feed.ics", "https://cal.example:80/feed.ics")]
    [TestCase("http://cal.example:8080/feed.ics", "http://cal.example:8080/feed.ics")]
    // schemes are case-insensitive
    [TestCase("HTTP://cal.example/feed.ics", "http://cal.example/feed.ics")]
    [TestCase("HTTPS://Cal.Example/Feed.ics", "https://cal.example/Feed.ics")]
    [TestCase("WebCal://cal.example/feed.ics", "https://cal.example/feed.ics")]
    [TestCase("WEBCAL://cal.example:80/feed.ics", "https://cal.example/feed.ics")]
    // the path is not judged: feeds need not end in .ics
    [TestCase("https://cal.example/calendar/export?id=42&token=abc", "https://cal.example/calendar/export?id=42&token=abc")]
    [TestCase("https://cal.example/basic", "https://cal.example/basic")]
    [TestCase("https://cal.example/feed.ICS", "https://cal.example/feed.ICS")]
    public void TryCreate_AcceptsHttpHttpsAndWebcal_AndComputesFetchUri(string value, string expectedFetchUri)
    {
        var ok = IcsFeedUrl.TryCreate(value, out var url, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(error, Is.Null);
            Assert.That(url, Is.Not.Null);
            Assert.That(url!.FetchUri.AbsoluteUri, Is.EqualTo(expectedFetchUri));
            Assert.That(url.Original, Is.EqualTo(value), "the URL as given is what is stored");
        });
    }

    [TestCase("webcal://cal.example/feed.ics")]
    [TestCase("webcal://cal.example:443/feed.ics")]
    [TestCase("WEBCAL://cal.example/feed.ics")]
    public void TryCreate_Webcal_IsFetchedOverHttpsOnPort443(string value)
    {
        Assert.That(IcsFeedUrl.TryCreate(value, out var url, out _), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(url!.FetchUri.Scheme, Is.EqualTo(Uri.UriSchemeHttps));
            Assert.That(url.FetchUri.Port, Is.EqualTo(443));
        });
    }

    [TestCase("ftp://cal.example/feed.ics", "must be an absolute http, https or webcal URL")]
    [TestCase("file:///etc/passwd", "must be an absolute http, https or webcal URL")]
    [TestCase("javascript:alert(1)", "must be an absolute http, https or webcal URL")]
    [TestCase("mailto:someone@cal.example", "must be an absolute http, https or webcal URL")]
    [TestCase("data:text/calendar,BEGIN:VCALENDAR", "must be an absolute http, https or webcal URL")]
    [TestCase("ws://cal.example/feed.ics", "must be an absolute http, https or webcal URL")]
    [TestCase("/feed.ics", "must be an absolute http, https or webcal URL")]
    [TestCase("feed.ics", "must be an absolute http, https or webcal URL")]
    [TestCase("cal.example/feed.ics", "must be an absolute http, https or webcal URL")]
    [TestCase("//cal.example/feed.ics", "must be an absolute http, https or webcal URL")]
    [TestCase("http://", "must be an absolute http, https or webcal URL")]
    [TestCase("not a url", "must be an absolute http, https or webcal URL")]
    [TestCase(null, "must not be empty")]
    [TestCase("", "must not be empty")]
    [TestCase("   ", "must not be empty")]
    [TestCase("\t\n", "must not be empty")]
    [TestCase("https://user:pass@cal.example/feed.ics", "must not contain a user name or password")]
    [TestCase("https://user@cal.example/feed.ics", "must not contain a user name or password")]
    [TestCase("webcal://user:pass@cal.example/feed.ics", "must not contain a user name or password")]
    [TestCase("http://user:pass@cal.example/feed.ics", "must not contain a user name or password")]
    public void TryCreate_RefusesWhatIsNotAFeedUrl(string? value, string expectedError)
    {
        var ok = IcsFeedUrl.TryCreate(value, out var url, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(url, Is.Null);
            Assert.That(error, Is.EqualTo(expectedError));
        });
    }

    [Test]
    public void TryCreate_AcceptsExactlyTheMaximumLength()
    {
        var value = UrlOfLength(Limit);

        var ok = IcsFeedUrl.TryCreate(value, out var url, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True, error);
            Assert.That(url!.Original, Has.Length.EqualTo(Limit));
        });
    }

    [TestCase(Limit + 1)]
    [TestCase(Limit * 4)]
    public void TryCreate_RefusesUrlsLongerThanTheMaximum(int length)
    {
        var ok = IcsFeedUrl.TryCreate(UrlOfLength(length), out var url, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(url, Is.Null);
            Assert.That(error, Is.EqualTo("must be at most 2048 characters"));
        });
    }

    [Test]
    public void MaxLength_IsCalComs2048()
    {
        Assert.That(IcsFeedUrl.MaxLength, Is.EqualTo(Limit));
    }

    [TestCase("https://cal.example:8443/private/feed.ics?token=s3cr3t#frag", "cal.example")]
    [TestCase("webcal://Cal.Example/feed.ics", "cal.example")]
    [TestCase("http://user-feeds.cal.example/u/123/basic.ics", "user-feeds.cal.example")]
    [TestCase("https://bücher.example/feed.ics", "xn--bcher-kva.example")]
    public void Host_IsTheHostOnly(string value, string expectedHost)
    {
        var url = IcsFeedUrl.Create(value);

        Assert.Multiple(() =>
        {
            Assert.That(url.Host, Is.EqualTo(expectedHost));
            Assert.That(url.Host, Does.Not.Contain("/").And.Not.Contain(":").And.Not.Contain("token"));
        });
    }

    [Test]
    public void Original_IsKeptExactlyAsGiven_WhileFetchUriIsNormalised()
    {
        const string value = "WEBCAL://Cal.Example:443/Private/Feed.ics?Token=AbC";

        var url = IcsFeedUrl.Create(value);

        Assert.Multiple(() =>
        {
            Assert.That(url.Original, Is.EqualTo(value));
            Assert.That(url.FetchUri.AbsoluteUri, Is.EqualTo("https://cal.example/Private/Feed.ics?Token=AbC"));
        });
    }

    [Test]
    public void Create_WithValidUrl_ReturnsIt()
    {
        var url = IcsFeedUrl.Create("webcal://cal.example/feed.ics");

        Assert.That(url.FetchUri, Is.EqualTo(new Uri("https://cal.example/feed.ics")));
    }

    [TestCase("ftp://cal.example/feed.ics", "must be an absolute http, https or webcal URL")]
    [TestCase("", "must not be empty")]
    [TestCase("https://user:pass@cal.example/feed.ics", "must not contain a user name or password")]
    public void Create_WithInvalidUrl_ThrowsArgumentExceptionWithTheReason(string value, string expectedError)
    {
        var ex = Assert.Throws<ArgumentException>(() => IcsFeedUrl.Create(value));

        Assert.Multiple(() =>
        {
            Assert.That(ex.Message, Does.StartWith(expectedError));
            Assert.That(ex.ParamName, Is.EqualTo("value"));
        });
    }

    private static string UrlOfLength(int length)
    {
        const string prefix = "https://cal.example/";
        return prefix + new string('a', length - prefix.Length);
    }
}

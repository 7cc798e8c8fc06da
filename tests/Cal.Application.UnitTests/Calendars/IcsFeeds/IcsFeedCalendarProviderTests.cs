using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Calendars;
using Microsoft.Extensions.Options;
using Moq;

namespace Cal.Application.UnitTests.Calendars.IcsFeeds;

public sealed class IcsFeedCalendarProviderTests
{
    private const string Work = "https://work.example/cal.ics";
    private const string Home = "https://home.example/cal.ics";
    private static readonly BusyWindow Window = new(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 6, 0, 0, 0, TimeSpan.Zero), "UTC");

    private Mock<IIcsFeedSource> feeds = null!;
    private Mock<IIcsCalendarParser> parser = null!;
    private Mock<IIcsBusyTimeReader> reader = null!;
    private Credential credential = null!;

    [SetUp]
    public void SetUp()
    {
        var protector = new Mock<ISecretProtector>();
        protector.Setup(p => p.Unprotect("secret")).Returns(IcsFeedSecret.Serialize(new IcsFeedSettings([Work, Home], ReadOnly: false)));
        credential = Credential.ForIcsFeed(7, "secret").WithId(3);
        feeds = new Mock<IIcsFeedSource>();
        feeds.Setup(f => f.GetAsync(It.Is<Credential>(c => c.Id == 3), It.IsAny<IcsFeedUrl>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Credential _, IcsFeedUrl url, CancellationToken _) => FeedFetchResult.Ok("feed of " + url.Host));
        parser = new Mock<IIcsCalendarParser>();
        parser.Setup(p => p.CheckAsync(It.IsAny<TextReader>(), It.IsAny<CancellationToken>()))
            .Returns(async (TextReader r, CancellationToken ct) => (await r.ReadToEndAsync(ct)) == "feed of work.example" ? IcsCheckResult.Valid("Work") : IcsCheckResult.Valid(null));
        reader = new Mock<IIcsBusyTimeReader>();
        reader.Setup(r => r.ReadAsync(It.IsAny<TextReader>(), Window, It.IsAny<BusyTimeBudget>(), It.IsAny<CancellationToken>()))
            .Returns(async (TextReader r, BusyWindow w, BusyTimeBudget _, CancellationToken ct) =>
                (await r.ReadToEndAsync(ct)) == "feed of work.example"
                    ? new BusyTimeRead([new BusyInterval(w.From.AddHours(9), w.From.AddHours(10))], Truncated: true)
                    : new BusyTimeRead([new BusyInterval(w.From.AddHours(18), w.From.AddHours(19))], Truncated: false));
        Provider = new IcsFeedCalendarProvider(protector.Object, feeds.Object, parser.Object, reader.Object, Options.Create(new BusyTimesOptions()));
    }

    private IcsFeedCalendarProvider Provider { get; set; } = null!;

    [Test]
    public async Task ListCalendars_NamesEachFeedByItsCalendarName_OrItsHost()
    {
        var calendars = await Provider.ListCalendarsAsync(credential, CancellationToken.None);

        Assert.That(calendars, Is.EqualTo(new[] { new ProviderCalendar(Work, "Work", false, true), new ProviderCalendar(Home, "home.example", false, true) }));
    }

    [Test]
    public async Task ListCalendars_ReadsACachedFeedsNameOnce_AndAgainWhenTheFeedChanges()
    {
        var cached = new string("BEGIN:VCALENDAR unchanged feed of work.example".ToCharArray()); // one instance, as the cache hands it out
        feeds.Setup(f => f.GetAsync(It.Is<Credential>(c => c.Id == 3), It.IsAny<IcsFeedUrl>(), It.IsAny<CancellationToken>())).ReturnsAsync(FeedFetchResult.Ok(cached));

        await Provider.ListCalendarsAsync(credential, CancellationToken.None);
        await Provider.ListCalendarsAsync(credential, CancellationToken.None);
        parser.Verify(p => p.CheckAsync(It.IsAny<TextReader>(), It.IsAny<CancellationToken>()), Times.Once, "both URLs return the same cached text: one read in all");

        var changed = new string("BEGIN:VCALENDAR changed feed".ToCharArray());
        feeds.Setup(f => f.GetAsync(It.Is<Credential>(c => c.Id == 3), It.IsAny<IcsFeedUrl>(), It.IsAny<CancellationToken>())).ReturnsAsync(FeedFetchResult.Ok(changed));
        await Provider.ListCalendarsAsync(credential, CancellationToken.None);
        parser.Verify(p => p.CheckAsync(It.IsAny<TextReader>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task ListCalendars_WhenAFeedIsDown_StillListsItByHost()
    {
        feeds.Setup(f => f.GetAsync(It.Is<Credential>(c => c.Id == 3), It.Is<IcsFeedUrl>(u => u.Host == "work.example"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FeedFetchResult.Failed<string>(new FeedFailure(FeedFailureReason.Timeout, "slow")));

        var calendars = await Provider.ListCalendarsAsync(credential, CancellationToken.None);

        Assert.That(calendars.Select(c => c.Name), Is.EqualTo(new[] { "work.example", "home.example" }));
    }

    [Test]
    public async Task BusyTimes_ReadsEveryFeed_AndNamesTheTruncatedOnes()
    {
        var busy = await Provider.GetBusyTimesAsync(credential, null, Window, CancellationToken.None);

        Assert.That(busy.Intervals.Select(i => i.Start.Hour), Is.EquivalentTo(new[] { 9, 18 }));
        Assert.That(busy.TruncatedExternalIds, Is.EqualTo(new[] { Work }));
    }

    [Test]
    public async Task BusyTimes_WithExternalIds_ReadsOnlyThoseFeeds()
    {
        var busy = await Provider.GetBusyTimesAsync(credential, [Home], Window, CancellationToken.None);

        Assert.That(busy.Intervals.Select(i => i.Start.Hour), Is.EqualTo(new[] { 18 }));
        feeds.Verify(f => f.GetAsync(It.Is<Credential>(c => c.Id == 3), It.Is<IcsFeedUrl>(u => u.Host == "work.example"), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void BusyTimes_WhenAFeedCannotBeRead_FailsNamingItsIndex_RatherThanReportingFree()
    {
        feeds.Setup(f => f.GetAsync(It.Is<Credential>(c => c.Id == 3), It.Is<IcsFeedUrl>(u => u.Host == "home.example"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FeedFetchResult.Failed<string>(new FeedFailure(FeedFailureReason.HttpStatus, "410", HttpStatus: 410)));

        var ex = Assert.ThrowsAsync<CalendarUnavailableException>(async () => await Provider.GetBusyTimesAsync(credential, null, Window, CancellationToken.None));

        Assert.That((ex!.CredentialId, ex.CalendarIndex, ex.Failure.Reason, ex.DuringCheck), Is.EqualTo((3, 1, FeedFailureReason.HttpStatus, false)));
        Assert.That(ex.Message, Does.Not.Contain("home.example/cal.ics"));
    }

    [Test]
    public async Task CheckConnection_ReportsTheFirstFailingFeedByIndex()
    {
        parser.Setup(p => p.CheckAsync(It.IsAny<TextReader>(), It.IsAny<CancellationToken>()))
            .Returns(async (TextReader r, CancellationToken ct) => (await r.ReadToEndAsync(ct)) == "feed of home.example"
                ? IcsCheckResult.Invalid(new FeedFailure(FeedFailureReason.NotIcalendar, "html"))
                : IcsCheckResult.Valid(null));

        var check = await Provider.CheckConnectionAsync(credential, CancellationToken.None);

        Assert.That((check.IsConnected, check.FailingCalendarIndex, check.Failure?.Reason), Is.EqualTo((false, (int?)1, (FeedFailureReason?)FeedFailureReason.NotIcalendar)));
    }
}

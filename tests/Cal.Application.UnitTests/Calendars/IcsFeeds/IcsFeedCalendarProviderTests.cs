using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Calendars;
using Cal.Domain.Common;
using Moq;

namespace Cal.Application.UnitTests.Calendars.IcsFeeds;

public sealed class IcsFeedCalendarProviderTests
{
    private const string Work = "https://work.example/cal.ics";
    private const string Home = "https://home.example/cal.ics";
    private static readonly BusyWindow Window = new(
        new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 1, 6, 0, 0, 0, TimeSpan.Zero),
        IanaTimeZone.Utc
    );

    private Mock<IIcsFeedSource> feeds = null!;
    private Credential credential = null!;

    /// <summary>A feed version whose index answers with one hour at <paramref name="hour"/> of the window's first day.</summary>
    private static IcsFeedSnapshot Snapshot(string? name, int hour, bool truncated)
    {
        var index = new Mock<IBusyTimeIndex>();
        index
            .Setup(i => i.Read(Window, It.IsAny<BusyTimeBudget>(), It.IsAny<CancellationToken>()))
            .Returns(
                (BusyWindow w, BusyTimeBudget _, CancellationToken _) =>
                    new BusyTimeRead([new BusyInterval(w.From.AddHours(hour), w.From.AddHours(hour + 1))], truncated)
            );
        return new IcsFeedSnapshot(name, null, index.Object);
    }

    [SetUp]
    public void SetUp()
    {
        var protector = new Mock<ISecretProtector>();
        protector
            .Setup(p => p.Unprotect("secret"))
            .Returns(IcsFeedSecretSerializer.Serialize(new IcsFeedCredentialSecret([Work, Home], ReadOnly: false)));
        credential = Credential.ForIcsFeed(7, "secret").WithId(3);
        feeds = new Mock<IIcsFeedSource>();
        var work = Snapshot("Work", 9, truncated: true);
        var home = Snapshot(null, 18, truncated: false);
        feeds
            .Setup(f => f.GetAsync(It.Is<Credential>(c => c.Id == 3), It.IsAny<IcsFeedUrl>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(
                (Credential _, IcsFeedUrl url, CancellationToken _) => OutboundResult.Ok(url.Host == "work.example" ? work : home)
            );
        Provider = new IcsFeedCalendarProvider(protector.Object, feeds.Object);
    }

    private IcsFeedCalendarProvider Provider { get; set; } = null!;

    private static BusyTimeBudget Budget => BusyTimeBudget.Default.StartingNow();

    [Test]
    public async Task ListCalendars_NamesEachFeedByItsCalendarName_OrItsHost()
    {
        var calendars = await Provider.ListCalendarsAsync(credential, CancellationToken.None);

        Assert.That(
            calendars,
            Is.EqualTo(new[] { new ProviderCalendar(Work, "Work", true, true), new ProviderCalendar(Home, "home.example", true, true) })
        );
    }

    [Test]
    public async Task ListCalendars_WhenAFeedIsDown_StillListsItByHost()
    {
        feeds
            .Setup(f =>
                f.GetAsync(
                    It.Is<Credential>(c => c.Id == 3),
                    It.Is<IcsFeedUrl>(u => u.Host == "work.example"),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(OutboundResult.Failed<IcsFeedSnapshot>(new FeedFailure(FeedFailureReason.Timeout, "slow")));

        var calendars = await Provider.ListCalendarsAsync(credential, CancellationToken.None);

        Assert.That(calendars.Select(c => c.Name), Is.EqualTo(new[] { "work.example", "home.example" }));
    }

    [Test]
    public async Task BusyTimes_ReadsEveryFeed_AndNamesTheTruncatedOnes()
    {
        var busy = await Provider.GetBusyTimesAsync(credential, CalendarSelection.All, Window, Budget, CancellationToken.None);

        Assert.That(busy.Intervals.Select(i => i.Start.Hour), Is.EquivalentTo(new[] { 9, 18 }));
        Assert.That(busy.TruncatedExternalIds, Is.EqualTo(new[] { Work }));
    }

    [Test]
    public async Task BusyTimes_WithExternalIds_ReadsOnlyThoseFeeds()
    {
        var busy = await Provider.GetBusyTimesAsync(
            credential,
            new CalendarSelection([Home], new HashSet<string>()),
            Window,
            Budget,
            CancellationToken.None
        );

        Assert.That(busy.Intervals.Select(i => i.Start.Hour), Is.EqualTo(new[] { 18 }));
        feeds.Verify(
            f =>
                f.GetAsync(
                    It.Is<Credential>(c => c.Id == 3),
                    It.Is<IcsFeedUrl>(u => u.Host == "work.example"),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never
        );
    }

    [Test]
    public void BusyTimes_WhenAFeedCannotBeRead_FailsNamingItsIndex_RatherThanReportingFree()
    {
        feeds
            .Setup(f =>
                f.GetAsync(
                    It.Is<Credential>(c => c.Id == 3),
                    It.Is<IcsFeedUrl>(u => u.Host == "home.example"),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(OutboundResult.Failed<IcsFeedSnapshot>(new FeedFailure(FeedFailureReason.HttpStatus, "410", HttpStatus: 410)));

        var ex = Assert.ThrowsAsync<CalendarUnavailableException>(async () =>
            await Provider.GetBusyTimesAsync(credential, CalendarSelection.All, Window, Budget, CancellationToken.None)
        );

        Assert.That(
            (ex!.CredentialId, ex.CalendarIndex, ex.Failure.Reason, ex.DuringCheck),
            Is.EqualTo((3, 1, FeedFailureReason.HttpStatus, false))
        );
        Assert.That(ex.Message, Does.Not.Contain("home.example/cal.ics"));
    }

    [Test]
    public void BusyTimes_WhenAFeedsContentIsNotICalendarNow_FailsNamingItsIndex()
    {
        feeds
            .Setup(f =>
                f.GetAsync(
                    It.Is<Credential>(c => c.Id == 3),
                    It.Is<IcsFeedUrl>(u => u.Host == "home.example"),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(OutboundResult.Failed<IcsFeedSnapshot>(new FeedFailure(FeedFailureReason.NotIcalendar, "html")));

        var ex = Assert.ThrowsAsync<CalendarUnavailableException>(async () =>
            await Provider.GetBusyTimesAsync(credential, CalendarSelection.All, Window, Budget, CancellationToken.None)
        );

        Assert.That((ex!.CalendarIndex, ex.Failure.Reason), Is.EqualTo((1, FeedFailureReason.NotIcalendar)));
    }

    [Test]
    public async Task CheckConnection_ReportsTheFirstFailingFeedByIndex()
    {
        feeds
            .Setup(f =>
                f.GetAsync(
                    It.Is<Credential>(c => c.Id == 3),
                    It.Is<IcsFeedUrl>(u => u.Host == "home.example"),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(OutboundResult.Failed<IcsFeedSnapshot>(new FeedFailure(FeedFailureReason.NotIcalendar, "html")));

        var check = await Provider.CheckConnectionAsync(credential, CancellationToken.None);

        Assert.That(
            (check.IsConnected, check.FailingCalendarIndex, check.Failure?.Reason),
            Is.EqualTo((false, (int?)1, (FeedFailureReason?)FeedFailureReason.NotIcalendar))
        );
    }
}

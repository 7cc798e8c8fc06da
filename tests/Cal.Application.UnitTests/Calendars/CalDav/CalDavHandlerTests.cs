using AutoMapper;
using Cal.Application.Calendars.CalDav;
using Cal.Application.Calendars.CalDav.Commands.SaveCalDavAccount;
using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Calendars;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace Cal.Application.UnitTests.Calendars.CalDav;

/// <summary>Adding a CalDAV/Apple account and reading it, with the CalDAV server, the protector and the repository mocked.</summary>
public sealed class CalDavHandlerTests
{
    private const string Password = "pw-3f9a";
    private static readonly IMapper Mapper = new MapperConfiguration(cfg => cfg.AddProfile<CalendarsMappingProfile>(), NullLoggerFactory.Instance).CreateMapper();
    private static readonly BusyWindow Window = new(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero), "UTC");
    private static readonly CalDavCalendar Work = new("https://dav.example/alice/work/", "Work", false);
    private static readonly CalDavCalendar Holidays = new("https://dav.example/alice/holidays/", "Holidays", true);

    private Mock<ICalDavClient> client = null!;
    private Mock<ISecretProtector> protector = null!;
    private Mock<ICredentialRepository> credentials = null!;
    private string? protectedPlain;

    [SetUp]
    public void SetUp()
    {
        client = new Mock<ICalDavClient>();
        client.Setup(c => c.DiscoverAsync(It.IsAny<CalDavAccount>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FeedFetchResult.Ok<IReadOnlyList<CalDavCalendar>>([Work, Holidays]));
        protector = new Mock<ISecretProtector>();
        protector.Setup(p => p.Protect(It.IsAny<string>())).Returns((string plain) => { protectedPlain = plain; return "protected"; });
        protector.Setup(p => p.Unprotect("protected")).Returns(() => protectedPlain!);
        credentials = new Mock<ICredentialRepository>();
        credentials.Setup(c => c.SaveAsync(It.IsAny<int>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((int user, string type, string app, string account, string key, CancellationToken _) => Credential.Create(user, type, app, key, account).WithId(11));
    }

    private SaveCalDavAccountCommandHandler Save(string appleServer = "https://caldav.icloud.com") => new(
        client.Object, protector.Object, credentials.Object, Mapper,
        Options.Create(new AppleCalendarOptions { ServerUrl = new Uri(appleServer) }), Options.Create(new IcsFeedSaveOptions()), TimeProvider.System,
        NullLogger<SaveCalDavAccountCommandHandler>.Instance);

    [Test]
    public async Task Save_CalDav_DiscoversOnTheGivenUrl_AndStoresTheAccountByAHashOfServerAndUsername()
    {
        var dto = await Save().Handle(new SaveCalDavAccountCommand(7, "caldav", "https://dav.example/", " alice ", Password), CancellationToken.None);

        Assert.That((dto.Id, dto.Type, dto.AppId, dto.UserId), Is.EqualTo((11, "caldav_calendar", "caldav-calendar", 7)));
        client.Verify(c => c.DiscoverAsync(new CalDavAccount(new Uri("https://dav.example/"), "alice", Password), 7, It.IsAny<CancellationToken>()), Times.Once);
        var account = CalDavSecret.AccountKey(new Uri("https://dav.example/"), "alice");
        credentials.Verify(c => c.SaveAsync(7, "caldav_calendar", "caldav-calendar", account, "protected", It.IsAny<CancellationToken>()), Times.Once);
        Assert.That(account, Has.Length.EqualTo(64).And.Not.Contain("alice"));
        Assert.That(CalDavSecret.Deserialize(protectedPlain!), Is.EqualTo(new CalDavSettings("https://dav.example/", "alice", Password, [Work, Holidays])).Using<CalDavSettings>(SameSettings));
    }

    [Test]
    public async Task Save_Apple_UsesTheConfiguredServer_WhateverUrlIsSent()
    {
        var dto = await Save("http://127.0.0.1:5232/").Handle(new SaveCalDavAccountCommand(7, "apple", "https://elsewhere.example/", "alice", Password), CancellationToken.None);

        Assert.That(dto.Type, Is.EqualTo("apple_calendar"));
        client.Verify(c => c.DiscoverAsync(It.Is<CalDavAccount>(a => a.ServerUrl == new Uri("http://127.0.0.1:5232/")), 7, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public void Save_RefusedByTheServer_Is400NamingTheReason_AndStoresNothing()
    {
        client.Setup(c => c.DiscoverAsync(It.IsAny<CalDavAccount>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FeedFetchResult.Failed<IReadOnlyList<CalDavCalendar>>(new FeedFailure(FeedFailureReason.Unauthorized, "The calendar server refused the username and password (HTTP 401).", 401)));

        var ex = Assert.ThrowsAsync<BadRequestException>(async () => await Save().Handle(new SaveCalDavAccountCommand(7, "caldav", "https://dav.example/", "alice", Password), CancellationToken.None));

        Assert.That(ex!.Message, Does.StartWith("Could not add this caldav calendar account: unauthorized.").And.Not.Contain(Password));
        credentials.Verify(c => c.SaveAsync(It.IsAny<int>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        protector.Verify(p => p.Protect(It.IsAny<string>()), Times.Never);
    }

    [Test]
    public void TheCommand_AndTheSettings_NeverPrintThePassword()
    {
        Assert.That(new SaveCalDavAccountCommand(7, "caldav", "https://dav.example/", "alice", Password).ToString(), Does.Not.Contain(Password));
        Assert.That(new CalDavSettings("https://dav.example/", "alice", Password, []).ToString(), Does.Not.Contain(Password));
        Assert.That(new CalDavAccount(new Uri("https://dav.example/"), "alice", Password).ToString(), Does.Not.Contain(Password));
    }

    [Test]
    public void TheAccountKey_IgnoresCaseOfHostAndUsername_ButNotTheServer()
    {
        var key = CalDavSecret.AccountKey(new Uri("https://dav.example/a/"), "Alice");

        Assert.That(CalDavSecret.AccountKey(new Uri("https://DAV.example/other/"), "alice"), Is.EqualTo(key), "one account per server origin and username");
        Assert.That(CalDavSecret.AccountKey(new Uri("https://dav2.example/"), "alice"), Is.Not.EqualTo(key));
    }

    private CalDavCalendarProvider Provider() => new(protector.Object, client.Object);

    private Credential Stored()
    {
        protectedPlain = CalDavSecret.Serialize(new CalDavSettings("https://dav.example/", "alice", Password, [Work, Holidays]));
        return Credential.Create(7, CalendarApps.CalDav.Type, CalendarApps.CalDav.AppId, "protected", "acct").WithId(3);
    }

    [Test]
    public async Task List_ReadsTheStoredCalendars_WithTheAccountsEmail_WithoutAskingTheServer()
    {
        var calendars = await Provider().ListCalendarsAsync(Stored(), CancellationToken.None);

        Assert.That(calendars, Is.EqualTo(new[]
        {
            new ProviderCalendar(Work.Url, "Work", false, true, "alice"),
            new ProviderCalendar(Holidays.Url, "Holidays", true, true, "alice"),
        }));
        client.VerifyNoOtherCalls();
    }

    [Test]
    public async Task BusyTimes_OneQueryPerSelectedCalendar_NoneForADeselectedOne()
    {
        var index = new Mock<IBusyTimeIndex>();
        index.Setup(i => i.Read(Window, It.IsAny<BusyTimeBudget>(), It.IsAny<CancellationToken>()))
            .Returns(new BusyTimeRead([new BusyInterval(Window.From.AddHours(9), Window.From.AddHours(10))], false));
        client.Setup(c => c.QueryAsync(It.IsAny<CalDavAccount>(), Work.Url, Window, 7, It.IsAny<CancellationToken>())).ReturnsAsync(FeedFetchResult.Ok(index.Object));
        var selection = new CalendarSelection(null, new HashSet<string> { CalendarSelection.Hash(Holidays.Url) });

        var busy = await Provider().GetBusyTimesAsync(Stored(), selection, Window, BusyTimeBudget.Default.StartingNow(), CancellationToken.None);

        Assert.That(busy.Intervals, Is.EqualTo(new[] { new BusyInterval(Window.From.AddHours(9), Window.From.AddHours(10)) }));
        client.Verify(c => c.QueryAsync(It.IsAny<CalDavAccount>(), Holidays.Url, It.IsAny<BusyWindow>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
        client.Verify(c => c.QueryAsync(It.Is<CalDavAccount>(a => a.Password == Password), Work.Url, Window, 7, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public void BusyTimes_ARefusedAccount_IsUnavailableNamingTheAccount_NeverFree()
    {
        client.Setup(c => c.QueryAsync(It.IsAny<CalDavAccount>(), It.IsAny<string>(), It.IsAny<BusyWindow>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FeedFetchResult.Failed<IBusyTimeIndex>(new FeedFailure(FeedFailureReason.Unauthorized, "refused", 401)));

        var ex = Assert.ThrowsAsync<CalendarUnavailableException>(async () =>
            await Provider().GetBusyTimesAsync(Stored(), CalendarSelection.All, Window, BusyTimeBudget.Default.StartingNow(), CancellationToken.None));

        Assert.That((ex!.CredentialId, ex.Account, ex.DuringCheck, ex.Failure.Reason), Is.EqualTo((3, "CalDav Server account alice", false, FeedFailureReason.Unauthorized)));
        Assert.That(ex.Message, Does.Not.Contain(Password));
    }

    private static bool SameSettings(CalDavSettings a, CalDavSettings b) =>
        a.ServerUrl == b.ServerUrl && a.Username == b.Username && a.Password == b.Password && a.Calendars.SequenceEqual(b.Calendars);
}

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
using Cal.Domain.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace Cal.Application.UnitTests.Calendars.CalDav;

/// <summary>Adding a CalDAV/Apple account and reading it, with the CalDAV server, the protector and the repository mocked.</summary>
public sealed class CalDavHandlerTests
{
    private const string Password = "pw-3f9a";
    private static readonly IMapper Mapper = TestMapper.Instance;
    private static readonly BusyWindow Window = new(
        new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero),
        IanaTimeZone.Utc
    );
    private static readonly CalDavCalendar Work = new("https://dav.example/alice/work/", "Work", false);
    private static readonly CalDavCalendar Holidays = new("https://dav.example/alice/holidays/", "Holidays", true);
    private const string Home = "https://dav.example/alice/";

    private Mock<ICalDavClient> client = null!;
    private Mock<ICalDavCalendars> kept = null!;
    private Mock<ICalDavWarmUp> warmUp = null!;
    private Mock<ISecretProtector> protector = null!;
    private Mock<ICredentialRepository> credentials = null!;
    private Mock<ISelectedCalendarRepository> selections = null!;
    private Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = null!;
    private string? protectedPlain;

    [SetUp]
    public void SetUp()
    {
        client = new Mock<ICalDavClient>();
        client
            .Setup(c => c.DiscoverAsync(It.IsAny<CalDavAccount>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OutboundResult.Ok(new CalDavDiscovery([Work, Holidays], Home)));
        client
            .Setup(c => c.ListCalendarsAsync(It.IsAny<CalDavAccount>(), Home, It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OutboundResult.Ok<IReadOnlyList<CalDavCalendar>>([Work, Holidays]));
        kept = new Mock<ICalDavCalendars>();
        warmUp = new Mock<ICalDavWarmUp>();
        selections = new Mock<ISelectedCalendarRepository>();
        clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        protector = new Mock<ISecretProtector>();
        protector
            .Setup(p => p.Protect(It.IsAny<string>()))
            .Returns(
                (string plain) =>
                {
                    protectedPlain = plain;
                    return "protected";
                }
            );
        protector.Setup(p => p.Unprotect("protected")).Returns(() => protectedPlain!);
        credentials = new Mock<ICredentialRepository>();
        credentials.Setup(c => c.ListForUserAsync(It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        credentials
            .Setup(c =>
                c.SaveAsync(
                    It.IsAny<int>(),
                    It.IsAny<string>(),
                    It.IsAny<string>(),
                    It.IsAny<string>(),
                    It.IsAny<string>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(
                (int user, string type, string app, string account, string key, CancellationToken _) =>
                    Credential.Create(user, type, app, key, account).WithId(11)
            );
    }

    /// <summary>Account keys as a test can predict them (the real ones are an HMAC under the server's secret).</summary>
    private sealed class PlainAccountKeys : IAccountKeys
    {
        public Task<string> KeyOfAsync(string identity, CancellationToken cancellationToken) => Task.FromResult("key(" + identity + ")");
    }

    private SaveCalDavAccountCommandHandler Save(string appleServer = "https://caldav.icloud.com", int maxAccounts = 10) =>
        new(
            client.Object,
            protector.Object,
            credentials.Object,
            Mapper,
            new PlainAccountKeys(),
            warmUp.Object,
            Options.Create(new AppleCalendarOptions { ServerUrl = new Uri(appleServer) }),
            Options.Create(new CalDavOptions { MaxAccountsPerUser = maxAccounts }),
            Options.Create(new IcsFeedSaveOptions()),
            TimeProvider.System,
            NullLogger<SaveCalDavAccountCommandHandler>.Instance
        );

    private static bool AreTheAccountsCalendars(IReadOnlyList<CalDavCalendarRef> calendars) =>
        calendars
            .Select(r => (r.CredentialId, r.OwnerUserId, r.CalendarUrl, r.Account.Username))
            .SequenceEqual([(11, 7, Work.Url, "alice"), (11, 7, Holidays.Url, "alice")]);

    [Test]
    public async Task Save_CalDav_DiscoversOnTheGivenUrl_AndStoresTheAccountByTheKeyOfServerAndUsername()
    {
        var dto = await Save()
            .Handle(new SaveCalDavAccountCommand(7, "caldav", "https://dav.example/", " alice ", Password), CancellationToken.None);

        Assert.That((dto.Id, dto.Type, dto.AppId, dto.UserId), Is.EqualTo((11, "caldav_calendar", "caldav-calendar", 7)));
        client.Verify(
            c => c.DiscoverAsync(new CalDavAccount(new Uri("https://dav.example/"), "alice", Password), 7, It.IsAny<CancellationToken>()),
            Times.Once
        );
        var account = "key(" + CalDavSecret.AccountIdentity(new Uri("https://dav.example/"), "alice") + ")";
        credentials.Verify(
            c => c.SaveAsync(7, "caldav_calendar", "caldav-calendar", account, "protected", It.IsAny<CancellationToken>()),
            Times.Once
        );
        var stored = CalDavSecret.Deserialize(protectedPlain!);
        Assert.That(
            stored,
            Is.EqualTo(new CalDavSettings("https://dav.example/", "alice", Password, [Work, Holidays])).Using<CalDavSettings>(SameSettings)
        );
        Assert.That(stored.HomeUrl, Is.EqualTo(Home), "the calendar home is kept, to find calendars made on the server later");
        warmUp.Verify(
            w => w.Enqueue(It.Is<IReadOnlyList<CalDavCalendarRef>>(c => AreTheAccountsCalendars(c))),
            Times.Once,
            "every calendar of the saved account is loaded in the background"
        );
    }

    [Test]
    public void Save_ANewAccountPastTheLimit_Is400_ButTheSameAccountAgainIsAnUpdate()
    {
        var existing = Credential
            .Create(
                7,
                CalendarApps.CalDav.Type,
                CalendarApps.CalDav.AppId,
                "p",
                "key(" + CalDavSecret.AccountIdentity(new Uri("https://dav.example/"), "alice") + ")"
            )
            .WithId(1);
        credentials.Setup(c => c.ListForUserAsync(7, It.IsAny<CancellationToken>())).ReturnsAsync([existing]);

        var ex = Assert.ThrowsAsync<BadRequestException>(async () =>
            await Save(maxAccounts: 1)
                .Handle(new SaveCalDavAccountCommand(7, "caldav", "https://dav.example/", "bob", Password), CancellationToken.None)
        );
        Assert.DoesNotThrowAsync(async () =>
            await Save(maxAccounts: 1)
                .Handle(new SaveCalDavAccountCommand(7, "caldav", "https://dav.example/", "Alice", Password), CancellationToken.None)
        );

        Assert.That(ex!.Message, Does.Contain("at most 1 CalDAV and Apple accounts"));
        client.Verify(
            c => c.DiscoverAsync(It.Is<CalDavAccount>(a => a.Username == "bob"), It.IsAny<int>(), It.IsAny<CancellationToken>()),
            Times.Never,
            "refused before any request to the server"
        );
    }

    [Test]
    public async Task Save_Apple_UsesTheConfiguredServer_WhateverUrlIsSent()
    {
        var dto = await Save("http://127.0.0.1:5232/")
            .Handle(new SaveCalDavAccountCommand(7, "apple", "https://elsewhere.example/", "alice", Password), CancellationToken.None);

        Assert.That(dto.Type, Is.EqualTo("apple_calendar"));
        client.Verify(
            c =>
                c.DiscoverAsync(
                    It.Is<CalDavAccount>(a => a.ServerUrl == new Uri("http://127.0.0.1:5232/")),
                    7,
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
    }

    [Test]
    public void Save_RefusedByTheServer_Is400NamingTheReason_AndStoresNothing()
    {
        client
            .Setup(c => c.DiscoverAsync(It.IsAny<CalDavAccount>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(
                OutboundResult.Failed<CalDavDiscovery>(
                    new FeedFailure(
                        FeedFailureReason.Unauthorized,
                        "The calendar server refused the username and password (HTTP 401).",
                        401
                    )
                )
            );

        var ex = Assert.ThrowsAsync<BadRequestException>(async () =>
            await Save()
                .Handle(new SaveCalDavAccountCommand(7, "caldav", "https://dav.example/", "alice", Password), CancellationToken.None)
        );

        Assert.That(ex!.Message, Does.StartWith("Could not add this caldav calendar account: unauthorized.").And.Not.Contain(Password));
        credentials.Verify(
            c =>
                c.SaveAsync(
                    It.IsAny<int>(),
                    It.IsAny<string>(),
                    It.IsAny<string>(),
                    It.IsAny<string>(),
                    It.IsAny<string>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never
        );
        protector.Verify(p => p.Protect(It.IsAny<string>()), Times.Never);
    }

    [Test]
    public void TheCommand_AndTheSettings_NeverPrintThePassword()
    {
        Assert.That(
            new SaveCalDavAccountCommand(7, "caldav", "https://dav.example/", "alice", Password).ToString(),
            Does.Not.Contain(Password)
        );
        Assert.That(new CalDavSettings("https://dav.example/", "alice", Password, []).ToString(), Does.Not.Contain(Password));
        Assert.That(new CalDavAccount(new Uri("https://dav.example/"), "alice", Password).ToString(), Does.Not.Contain(Password));
    }

    [Test]
    public void TheAccountIdentity_IgnoresCaseOfHostAndUsername_ButNotTheServer()
    {
        var identity = CalDavSecret.AccountIdentity(new Uri("https://dav.example/a/"), "Alice");

        Assert.That(
            CalDavSecret.AccountIdentity(new Uri("https://DAV.example/other/"), "alice"),
            Is.EqualTo(identity),
            "one account per server origin and username"
        );
        Assert.That(CalDavSecret.AccountIdentity(new Uri("https://dav2.example/"), "alice"), Is.Not.EqualTo(identity));
    }

    private CalDavCalendarProvider Provider()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddSingleton(credentials.Object)
            .AddSingleton(selections.Object)
            .AddSingleton<IUserCalendarsCache>(new UncachedUserCalendars())
            .BuildServiceProvider();
        var accounts = new CalDavAccountCalendars(
            client.Object,
            protector.Object,
            services.GetRequiredService<Microsoft.Extensions.DependencyInjection.IServiceScopeFactory>(),
            Options.Create(new CalDavOptions()),
            clock,
            NullLogger<CalDavAccountCalendars>.Instance
        );
        return new(protector.Object, client.Object, kept.Object, accounts);
    }

    private Credential Stored()
    {
        protectedPlain = CalDavSecret.Serialize(new CalDavSettings("https://dav.example/", "alice", Password, [Work, Holidays], Home));
        return Credential.Create(7, CalendarApps.CalDav.Type, CalendarApps.CalDav.AppId, "protected", "acct").WithId(3);
    }

    [Test]
    public async Task List_AsksTheServerForItsCalendars_AtMostOncePerTimeToLive()
    {
        var provider = Provider();
        var credential = Stored();

        var calendars = await provider.ListCalendarsAsync(credential, CancellationToken.None);
        await provider.ListCalendarsAsync(credential, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(61));
        await provider.ListCalendarsAsync(credential, CancellationToken.None);

        Assert.That(
            calendars,
            Is.EqualTo(
                new[]
                {
                    new ProviderCalendar(Work.Url, "Work", false, true, "alice"),
                    new ProviderCalendar(Holidays.Url, "Holidays", true, true, "alice"),
                }
            )
        );
        client.Verify(
            c => c.ListCalendarsAsync(It.IsAny<CalDavAccount>(), Home, 7, It.IsAny<CancellationToken>()),
            Times.Exactly(2),
            "once, then again after CalDav:TimeToLive"
        );
        credentials.Verify(
            c => c.UpdateKeyAsync(It.IsAny<int>(), It.IsAny<int>(), It.IsAny<string>(), It.IsAny<CancellationToken>()),
            Times.Never,
            "nothing changed: nothing written"
        );
    }

    [Test]
    public async Task ACalendarMadeOnTheServer_IsListed_AndOneRemoved_IsGoneWithItsDeselection()
    {
        var travel = new CalDavCalendar("https://dav.example/alice/travel/", "Travel", false);
        client
            .Setup(c => c.ListCalendarsAsync(It.IsAny<CalDavAccount>(), Home, It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OutboundResult.Ok<IReadOnlyList<CalDavCalendar>>([Work, travel]));
        credentials.Setup(c => c.UpdateKeyAsync(7, 3, "protected", It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var ids = await Provider().CalendarIdsAsync(Stored(), CancellationToken.None);

        Assert.That(ids, Is.EqualTo(new[] { Work.Url, travel.Url }));
        Assert.That(
            CalDavSecret.Deserialize(protectedPlain!).Calendars,
            Is.EqualTo(new[] { Work, travel }),
            "written back to the credential"
        );
        selections.Verify(s =>
            s.ForgetAllButAsync(
                3,
                It.Is<IReadOnlyCollection<string>>(k =>
                    k.SequenceEqual(new[] { CalendarSelection.Hash(Work.Url), CalendarSelection.Hash(travel.Url) })
                ),
                It.IsAny<CancellationToken>()
            )
        );
    }

    [Test]
    public async Task BusyTimes_ReadEachSelectedCalendarsKeptIndex_NoneForADeselectedOne()
    {
        var index = new Mock<IBusyTimeIndex>();
        index
            .Setup(i => i.Read(Window, It.IsAny<BusyTimeBudget>(), It.IsAny<CancellationToken>()))
            .Returns(new BusyTimeRead([new BusyInterval(Window.From.AddHours(9), Window.From.AddHours(10))], false));
        kept.Setup(c => c.GetIndexAsync(It.Is<CalDavCalendarRef>(r => r.CalendarUrl == Work.Url), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OutboundResult.Ok(index.Object));
        var selection = new CalendarSelection(null, new HashSet<string> { CalendarSelection.Hash(Holidays.Url) });

        var busy = await Provider()
            .GetBusyTimesAsync(Stored(), selection, Window, BusyTimeBudget.Default.StartingNow(), CancellationToken.None);

        Assert.That(busy.Intervals, Is.EqualTo(new[] { new BusyInterval(Window.From.AddHours(9), Window.From.AddHours(10)) }));
        kept.Verify(
            c => c.GetIndexAsync(It.Is<CalDavCalendarRef>(r => r.CalendarUrl == Holidays.Url), It.IsAny<CancellationToken>()),
            Times.Never
        );
        kept.Verify(
            c =>
                c.GetIndexAsync(
                    It.Is<CalDavCalendarRef>(r =>
                        r.Account.Password == Password && r.CredentialId == 3 && r.OwnerUserId == 7 && r.CalendarUrl == Work.Url
                    ),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
    }

    [Test]
    public void BusyTimes_ARefusedAccount_IsUnavailableNamingTheAccount_NeverFree()
    {
        kept.Setup(c => c.GetIndexAsync(It.IsAny<CalDavCalendarRef>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OutboundResult.Failed<IBusyTimeIndex>(new FeedFailure(FeedFailureReason.Unauthorized, "refused", 401)));

        var ex = Assert.ThrowsAsync<CalendarUnavailableException>(async () =>
            await Provider()
                .GetBusyTimesAsync(Stored(), CalendarSelection.All, Window, BusyTimeBudget.Default.StartingNow(), CancellationToken.None)
        );

        Assert.That(
            (ex!.CredentialId, ex.Account, ex.DuringCheck, ex.Failure.Reason),
            Is.EqualTo((3, "CalDav Server account alice", false, FeedFailureReason.Unauthorized))
        );
        Assert.That(ex.Message, Does.Not.Contain(Password));
    }

    private static bool SameSettings(CalDavSettings a, CalDavSettings b) =>
        a.ServerUrl == b.ServerUrl && a.Username == b.Username && a.Password == b.Password && a.Calendars.SequenceEqual(b.Calendars);
}

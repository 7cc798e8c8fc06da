using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.Queries.GetBusyTimes;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Calendars;
using Cal.Domain.Common;
using FluentValidation.TestHelper;
using Microsoft.Extensions.Options;
using Moq;

namespace Cal.Application.UnitTests.Calendars.Queries.GetBusyTimes;

public sealed class GetBusyTimesQueryHandlerTests
{
    private Mock<ICredentialRepository> credentials = null!;
    private Mock<ICalendarProvider> provider = null!;
    private readonly List<(int CredentialId, CalendarSelection Selection, BusyWindow Window)> calls = [];
    private readonly List<BusyTimeBudget> budgets = [];

    [SetUp]
    public void SetUp()
    {
        calls.Clear();
        budgets.Clear();
        credentials = new Mock<ICredentialRepository>();
        credentials
            .Setup(c => c.ListForUserAsync(7, It.IsAny<CancellationToken>()))
            .ReturnsAsync([Credential.ForIcsFeed(7, "a").WithId(1), Credential.ForIcsFeed(7, "b").WithId(2)]);
        credentials
            .Setup(c => c.FindForUserAsync(7, It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((int _, int id, CancellationToken _) => id is 1 or 2 ? Credential.ForIcsFeed(7, "x").WithId(id) : null);
        provider = new Mock<ICalendarProvider>();
        provider.Setup(p => p.Integration).Returns(new CalendarIntegration(CalendarApps.IcsFeed.Type, "ics-feed", "ics-feed", "ICS Feed"));
        provider
            .Setup(p =>
                p.GetBusyTimesAsync(
                    It.IsAny<Credential>(),
                    It.IsAny<CalendarSelection>(),
                    It.IsAny<BusyWindow>(),
                    It.IsAny<BusyTimeBudget>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ReturnsAsync(
                (Credential c, CalendarSelection ids, BusyWindow w, BusyTimeBudget b, CancellationToken _) =>
                {
                    calls.Add((c.Id, ids, w));
                    budgets.Add(b);
                    return new ProviderBusyTimes(
                        [new BusyInterval(w.From.AddHours(10 - c.Id), w.From.AddHours(11 - c.Id))],
                        c.Id == 2 ? ["feed-2"] : []
                    );
                }
            );
    }

    private GetBusyTimesQueryHandler Handler()
    {
        var selections = new Mock<ISelectedCalendarRepository>();
        selections
            .Setup(s => s.DeselectedAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<int, IReadOnlySet<string>>());
        return new(
            new BusyTimeService(
                new UserCalendarsReader(credentials.Object, selections.Object, new UncachedUserCalendars()),
                new CalendarProviders([provider.Object]),
                Options.Create(new BusyTimesOptions())
            )
        );
    }

    private static GetBusyTimesQuery Query(string from, string to, string? tz = null, params CalendarToLoad[] load) =>
        Query(from, to, null, tz, load);

    private static GetBusyTimesQuery Query(
        string from,
        string to,
        string? timeZone,
        string? loggedInUsersTz,
        params CalendarToLoad[] load
    ) => new(7, BusyWindowInput.Parse(from, to, timeZone, loggedInUsersTz, "Europe/Berlin"), load);

    [Test]
    public async Task DateOnly_FromIsTheDaysStart_ToIsTheDaysEnd_InTheUsersZone_ByDefault()
    {
        await Handler().Handle(Query("2026-01-05", "2026-01-06"), CancellationToken.None);

        Assert.That(
            calls[0].Window,
            Is.EqualTo(
                new BusyWindow(
                    new DateTimeOffset(2026, 1, 4, 23, 0, 0, TimeSpan.Zero),
                    new DateTimeOffset(2026, 1, 6, 23, 0, 0, TimeSpan.Zero),
                    IanaTimeZone.Parse("Europe/Berlin")
                )
            )
        );
    }

    [Test]
    public async Task SameDateFromAndTo_IsThatWholeDay_AsInCalComsExample()
    {
        await Handler().Handle(Query("2026-03-02", "2026-03-02"), CancellationToken.None);

        Assert.That(
            (calls[0].Window.From, calls[0].Window.To),
            Is.EqualTo((new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero)))
        );
    }

    [Test]
    public async Task TimeZone_IsCalComsNameForTheZone_AndWinsOverLoggedInUsersTz()
    {
        await Handler().Handle(Query("2026-01-05", "2026-01-05", "America/New_York", "Asia/Tokyo"), CancellationToken.None);

        Assert.That(calls[0].Window.From, Is.EqualTo(new DateTimeOffset(2026, 1, 5, 5, 0, 0, TimeSpan.Zero)));
        Assert.That(calls[0].Window.Zone.Id, Is.EqualTo("America/New_York"));
    }

    [Test]
    public void InvalidTimeZone_IsNamedByTheParameterItCameIn()
    {
        var result = new GetBusyTimesQueryValidator().TestValidate(
            Query("2026-01-05", "2026-01-05", timeZone: "Mars/Olympus", loggedInUsersTz: null)
        );
        Assert.That(result.Errors.Select(e => e.PropertyName), Is.EqualTo(new[] { "timeZone" }));
    }

    [Test]
    public async Task EveryInterval_NamesItsCalendarsAppId_AsSource()
    {
        var busy = await Handler().Handle(Query("2026-01-05", "2026-01-05"), CancellationToken.None);

        Assert.That(busy.Intervals.Select(i => i.Source), Is.All.EqualTo("ics-feed"));
    }

    [Test]
    public async Task OneBudget_StartedOnce_IsSharedByEveryCalendarOfTheRequest()
    {
        await Handler().Handle(Query("2026-01-05", "2026-01-05"), CancellationToken.None);

        Assert.That(budgets.Select(b => b.StartedAt).Distinct().Count(), Is.EqualTo(1));
        Assert.That(budgets, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task AWindowYearsFromNow_IsReadAsItIs_NeverClipped()
    {
        await Handler().Handle(Query("2012-03-05", "2012-03-06"), CancellationToken.None);

        Assert.That(calls[0].Window.From, Is.EqualTo(new DateTimeOffset(2012, 3, 4, 23, 0, 0, TimeSpan.Zero)), "2012 is read in 2012");
    }

    [TestCase("2200-01-01", "2200-01-02", "dateFrom")]
    [TestCase("1899-12-30", "1899-12-31", "dateFrom")]
    [TestCase("2100-12-31T12:00:00Z", "2101-01-02", "dateTo")]
    [TestCase("0001-01-01", "0001-01-02", "dateFrom")]
    [TestCase("9999-12-30", "9999-12-31", "dateFrom")]
    public void AWindowOutsideTheYears1900To2100_IsRefused_NamingThem(string from, string to, string field)
    {
        var result = new GetBusyTimesQueryValidator().TestValidate(Query(from, to));

        Assert.That(
            result.Errors.Select(e => (e.PropertyName, e.ErrorMessage)),
            Does.Contain((field, BusyWindowParser.OutsideYearsMessage))
        );
    }

    [Test]
    public async Task LoggedInUsersTz_OverridesTheUsersZone()
    {
        await Handler().Handle(Query("2026-01-05", "2026-01-06", "America/New_York"), CancellationToken.None);

        Assert.That(calls[0].Window.From, Is.EqualTo(new DateTimeOffset(2026, 1, 5, 5, 0, 0, TimeSpan.Zero)));
        Assert.That(calls[0].Window.Zone.Id, Is.EqualTo("America/New_York"));
    }

    [Test]
    public async Task AllCredentials_ByDefault_MergedSortedWithTruncationNamed()
    {
        var busy = await Handler().Handle(Query("2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"), CancellationToken.None);

        Assert.That(calls.Select(c => c.CredentialId), Is.EquivalentTo(new[] { 1, 2 }));
        Assert.That(calls.Select(c => c.Selection.Includes("any calendar")), Is.All.True, "every calendar of every credential");
        Assert.That(busy.Intervals.Select(i => i.Start.Hour), Is.EqualTo(new[] { 8, 9 }), "sorted by start across credentials");
        Assert.That(busy.Truncated, Is.EqualTo(new[] { new TruncatedCalendar(2, "feed-2") }));
    }

    [Test]
    public async Task CalendarsToLoad_GroupsExternalIdsPerCredential()
    {
        await Handler()
            .Handle(
                Query("2026-01-05", "2026-01-06", null, new CalendarToLoad(2, "x"), new CalendarToLoad(2, "y")),
                CancellationToken.None
            );

        Assert.That(calls, Has.Count.EqualTo(1));
        Assert.That(calls[0].CredentialId, Is.EqualTo(2));
        Assert.That(new[] { "x", "y", "z" }.Select(calls[0].Selection.Includes), Is.EqualTo(new[] { true, true, false }));
    }

    [Test]
    public void CalendarsToLoad_WithSomeoneElsesCredential_IsNotFound()
    {
        Assert.ThrowsAsync<NotFoundException>(async () =>
            await Handler().Handle(Query("2026-01-05", "2026-01-06", null, new CalendarToLoad(99, null)), CancellationToken.None)
        );
        Assert.That(calls, Is.Empty);
    }

    [TestCase("2026-01-05", "2027-01-04", true)]
    [TestCase("2026-01-05", "2027-01-05", false)]
    [TestCase("2026-01-06", "2026-01-05", false)]
    [TestCase("2026-01-05", "2026-01-05", true)]
    [TestCase("2026-01-05T09:00:00+02:00", "2026-01-05T10:00:00Z", true)]
    [TestCase("2026-01-05T09:00", "2026-01-05T10:00", true)]
    [TestCase("05/01/2026", "2026-01-06", false)]
    [TestCase("2026-01-05", "", false)]
    [TestCase("0001-01-01", "0001-01-02", false)] // midnight in Berlin is before year 1 in UTC; found by the API fuzzer (was a 500)
    public void Validator_WindowRules(string from, string to, bool valid)
    {
        var result = new GetBusyTimesQueryValidator().TestValidate(Query(from, to));
        Assert.That(result.IsValid, Is.EqualTo(valid), string.Join("; ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
    }

    [Test]
    public void WallTimeInADstGap_MovesForward()
    {
        // 2026-03-29 02:30 does not exist in Berlin; it is read as 03:00 CEST = 01:00Z.
        Assert.That(
            BusyWindowParser.AtWallTime(new DateTime(2026, 3, 29, 2, 30, 0), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")),
            Is.EqualTo(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero))
        );
    }
}

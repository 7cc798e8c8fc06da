using System.Text;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Domain.Common;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Testing;
using Microsoft.AspNetCore.Http;

namespace Cal.Infrastructure.IntegrationTests.Calendars;

/// <summary>
/// The CalDAV adapter against a real Radicale (discovery from any of the URLs a user may paste, the REPORT read by Cal's
/// engine) and against loopback servers that answer what Radicale never would (a redirect to another origin, an answer
/// over the byte cap, a DTD, a read-only calendar, an object that is not iCalendar).
/// </summary>
[NonParallelizable]
public sealed class CalDavClientTests : FetcherFixture
{
    private const string Password = "pw-radicale-51c";
    private static readonly BusyWindow March = new(
        new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero),
        IanaTimeZone.Parse("Europe/Berlin")
    );

    private RadicaleServer radicale = null!;
    private Uri work = null!;

    [OneTimeSetUp]
    public async Task StartRadicale()
    {
        radicale =
            RadicaleServer.TryStart(("alice", Password))
            ?? throw new InconclusiveException("radicale is not installed (apt-get install radicale); .ci/run installs it.");
        work = await radicale.CreateCalendarAsync("alice", "work", "Work");
        await radicale.CreateCalendarAsync("alice", "home", "Home");
        await radicale.CreateCalendarAsync("alice", "todo", "To do", components: "VTODO");
        await radicale.PutAsync(
            "alice",
            work,
            "weekly",
            Ics.Calendar(
                Ics.Event(
                    "weekly",
                    "DTSTART;TZID=Europe/Berlin:20260302T090000",
                    "DTEND;TZID=Europe/Berlin:20260302T100000",
                    "RRULE:FREQ=WEEKLY;COUNT=5"
                )
            )
        );
        await radicale.PutAsync(
            "alice",
            work,
            "april",
            Ics.Calendar(Ics.Event("april", "DTSTART:20260415T090000Z", "DTEND:20260415T100000Z"))
        );
    }

    [OneTimeTearDown]
    public void StopRadicale() => radicale?.Dispose();

    private ICalDavClient Client(params (string Key, string Value)[] extra) =>
        Host(extra.ToDictionary(e => e.Key, e => (string?)e.Value)).Get<ICalDavClient>();

    private CalDavAccount Alice(string url) => new(new Uri(url), "alice", Password);

    private ICalDavCalendars Calendars(params (string Key, string Value)[] extra) =>
        Host(extra.ToDictionary(e => e.Key, e => (string?)e.Value)).Get<ICalDavCalendars>();

    private static int nextCredential = 100;

    private CalDavCalendarRef Calendar(string server, string calendarUrl) =>
        new(Interlocked.Increment(ref nextCredential), 1, Alice(server), calendarUrl);

    /// <summary>A loopback URL answering every request with 207 and this (per-request) XML.</summary>
    private string Multistatus(Func<HttpContext, string> xml) =>
        Odd.Map(context =>
        {
            context.Response.StatusCode = 207;
            context.Response.ContentType = "application/xml";
            return context.Response.WriteAsync(xml(context));
        });

    [TestCase("")]
    [TestCase("alice/")]
    [TestCase("not-a-collection/")]
    public async Task Discovery_FromTheServer_ThePrincipal_OrAnyPath_FindsTheEventCalendars(string path)
    {
        var found = await Client().DiscoverAsync(Alice(new Uri(radicale.BaseAddress, path).AbsoluteUri), 1, CancellationToken.None);

        Assert.That(found.Failure, Is.Null);
        Assert.That(
            found.Value!.Calendars.Select(c => (c.Name, c.ReadOnly)).OrderBy(c => c.Name),
            Is.EqualTo(new[] { ("Home", false), ("Work", false) }),
            "the VTODO-only calendar is skipped"
        );
        Assert.That(found.Value!.Calendars.Single(c => c.Name == "Work").Url, Is.EqualTo(work.AbsoluteUri));
        Assert.That(
            found.Value!.HomeUrl,
            Is.EqualTo(new Uri(radicale.BaseAddress, "alice/").AbsoluteUri),
            "the calendar home, kept to find calendars made later"
        );
    }

    [Test]
    public async Task Discovery_FromACalendarsOwnUrl_IsThatCalendar()
    {
        var found = await Client().DiscoverAsync(Alice(work.AbsoluteUri), 1, CancellationToken.None);

        Assert.That(found.Value!.Calendars, Is.EqualTo(new[] { new CalDavCalendar(work.AbsoluteUri, "Work", false) }));
    }

    [Test]
    public async Task Discovery_WithAWrongPassword_IsUnauthorized()
    {
        var found = await Client().DiscoverAsync(new CalDavAccount(radicale.BaseAddress, "alice", "wrong"), 1, CancellationToken.None);

        Assert.That((found.Failure?.Reason, found.Failure?.HttpStatus), Is.EqualTo((FeedFailureReason.Unauthorized, 401)));
    }

    [Test]
    public async Task TheKeptIndex_IsReadByCalsEngine_OverTheWholeWindow()
    {
        var queried = await Calendars().GetIndexAsync(Calendar(radicale.BaseAddress.AbsoluteUri, work.AbsoluteUri), CancellationToken.None);
        var read = queried.Value!.Read(March, BusyTimeBudget.Default.StartingNow(), CancellationToken.None);

        Assert.That(
            read.Intervals.Select(i => i.Start.UtcDateTime.ToString("MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(new[] { "03-02 08:00", "03-09 08:00", "03-16 08:00", "03-23 08:00", "03-30 07:00" }),
            "every occurrence, across the DST change; April's event is outside"
        );
    }

    [Test]
    public async Task ThePassword_IsNotSentToAnOriginARedirectLeadsTo()
    {
        var elsewhere = Odd.Map(
            context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            },
            "elsewhere"
        );
        var start = Feeds.Url($"redirect-to?url={Uri.EscapeDataString(elsewhere)}");
        var seenBefore = Odd.RequestHeaders.Count;

        var found = await Client().DiscoverAsync(new CalDavAccount(new Uri(start), "alice", Password), 1, CancellationToken.None);

        Assert.That(found.Failure?.Reason, Is.EqualTo(FeedFailureReason.Unauthorized));
        var reached = Odd.RequestHeaders.Skip(seenBefore).ToList();
        Assert.That(reached, Is.Not.Empty, "the redirect was followed");
        Assert.That(reached.Select(h => h.Authorization.ToString()), Is.All.Empty, "no credentials to an origin the account did not name");
    }

    [Test]
    public async Task AnAnswerOverTheByteCap_IsTooLarge()
    {
        var url = Multistatus(_ =>
            "<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/</d:href><d:propstat><d:prop><d:displayname>"
            + new string('x', 300_000)
            + "</d:displayname></d:prop></d:propstat></d:response></d:multistatus>"
        );

        var found = await Client(("Outbound:MaxFeedBytes", "100000")).DiscoverAsync(Alice(url), 1, CancellationToken.None);

        Assert.That(found.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooLarge));
    }

    [Test]
    public async Task ADocumentTypeDeclaration_IsRefused_NotExpanded()
    {
        var url = Multistatus(_ =>
            "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>&b;</d:href></d:response></d:multistatus>"
        );

        var found = await Client().DiscoverAsync(Alice(url), 1, CancellationToken.None);

        Assert.That(found.Failure?.Reason, Is.EqualTo(FeedFailureReason.NotCalDav));
    }

    [Test]
    public async Task ACalendarWithoutTheWritePrivilege_IsReadOnly()
    {
        var url = Multistatus(context =>
            $"""
                <?xml version="1.0"?>
                <d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>{context.Request.Path}</d:href><d:propstat><d:prop>
                  <d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Holidays</d:displayname>
                  <d:current-user-privilege-set><d:privilege><d:read/></d:privilege><d:privilege><c:read-free-busy/></d:privilege></d:current-user-privilege-set>
                </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>
                """
        );

        var found = await Client().DiscoverAsync(Alice(url), 1, CancellationToken.None);

        Assert.That(found.Value!.Calendars, Is.EqualTo(new[] { new CalDavCalendar(url, "Holidays", ReadOnly: true) }));
    }

    [Test]
    public async Task AReportWhoseObjectIsNotICalendar_IsAFailure_NotAnEmptyCalendar()
    {
        var url = Multistatus(_ =>
            "<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:response><d:href>/x.ics</d:href><d:propstat><d:prop><c:calendar-data>BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n</c:calendar-data></d:prop></d:propstat></d:response></d:multistatus>"
        );

        var queried = await Calendars().GetIndexAsync(Calendar(url, url), CancellationToken.None);

        Assert.That(queried.Failure?.Reason, Is.EqualTo(FeedFailureReason.ParseError));
    }

    [Test]
    public async Task AnEmptyReport_IsAnEmptyCalendar()
    {
        var url = Multistatus(_ => "<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\"/>");

        var queried = await Calendars().GetIndexAsync(Calendar(url, url), CancellationToken.None);

        Assert.That(queried.Value!.Read(March, BusyTimeBudget.Default.StartingNow(), CancellationToken.None).Intervals, Is.Empty);
    }

    [Test]
    public async Task NothingIsLogged_ButTheHost()
    {
        var host = Host(new Dictionary<string, string?>());
        await host.Get<ICalDavClient>()
            .DiscoverAsync(
                new CalDavAccount(new Uri(radicale.BaseAddress, "alice/secret-path/"), "alice", "wrong-Pa55"),
                1,
                CancellationToken.None
            );

        var text = string.Join("\n", host.Logs.Entries);
        Assert.That(text, Does.Contain("127.0.0.1"));
        Assert.That(
            text,
            Does.Not.Contain("wrong-Pa55")
                .And.Not.Contain("secret-path")
                .And.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:wrong-Pa55")))
        );
    }
}

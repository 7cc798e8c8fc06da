using System.Diagnostics;
using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>
/// A feed saved while benign can change upstream into one that would make busy times loop for ever; the request
/// must still answer within its budget, and the server stay responsive. Also: feeds cal.com's parser reads are saved.
/// </summary>
public sealed class HostileFeedTests
{
    private static readonly string Benign = Ics.Calendar(Ics.Event("ok", "DTSTART:20260302T090000Z", "DTEND:20260302T100000Z"));

    private static string Hostile(string rule, string start = "20260101T000000Z") =>
        Ics.Calendar(Ics.Event("evil", $"DTSTART:{start}", "DURATION:PT1S", $"RRULE:{rule}"));

    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["FeedCache:TimeToLive"] = "00:00:00", // every read revalidates: the changed feed is seen at once
                ["BusyTimes:MaxExpansionTimePerFeed"] = "00:00:02",
            }
        );
    }

    [TearDown]
    public async Task TearDown()
    {
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    [TestCase("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "20260101T000000Z", false)]
    [TestCase("FREQ=SECONDLY", "00010101T000000Z", true)]
    [TestCase("FREQ=MINUTELY", "19000101T000000Z", false)]
    [TestCase("FREQ=SECONDLY;COUNT=2000000000", "00010101T000000Z", false)] // its last instance is computed: it ended in year 64
    public async Task AFeedChangedIntoAHostileRule_AnswersWithinTheBudget_AndHealthStaysResponsive(
        string rule,
        string start,
        bool truncated
    )
    {
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        var url = feeds.AddFeed("changing", Benign);
        var save = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { url } }));
        Assert.That(save.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        feeds.AddFeed("changing", Hostile(rule, start));
        var clock = Stopwatch.StartNew();
        var busy = client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-03-01&dateTo=2026-03-31&timeZone=UTC");
        using var health = api.CreateClient();
        while (!busy.IsCompleted)
        {
            var live = await health.GetAsync("/health/live");
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await Task.WhenAny(busy, Task.Delay(100));
        }

        var response = await busy;
        var elapsed = clock.Elapsed;
        var json = await Json.ReadAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("truncated").GetArrayLength(), Is.EqualTo(truncated ? 1 : 0));
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "within the 2 s budget (with a wide margin for a loaded CI machine)");
    }

    [Test]
    public async Task FeedsCalComsParserReads_AreSaved_AndTheirEventsAreBusy()
    {
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        var lenient = Ics.Calendar(
            "REFRESH - INTERVAL; VALUE = DURATION:PT48H",
            "GROUP1.X-TEST:grouped",
            Ics.Event("lenient", "DTSTART;;VALUE=DATE-TIME:20260302T090000Z", "DTEND:20260302T100000Z"),
            Ics.Event("unreadable", "DTSTART:not-a-date")
        );
        var url = feeds.AddFeed("lenient", lenient);

        var save = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { url } }));
        Assert.That(save.StatusCode, Is.EqualTo(HttpStatusCode.Created), await save.Content.ReadAsStringAsync());

        var json = await Json.ReadAsync(
            await client.GetAsync("/v2/calendars/busy-times?dateFrom=2026-03-02&dateTo=2026-03-02&timeZone=UTC")
        );
        var data = json.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("start").GetString()).ToList();
        Assert.That(data, Is.EqualTo(new[] { "2026-03-02T09:00:00.000Z" }), "the readable event is busy; the unreadable one is skipped");
    }
}

using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>
/// Issue #28.4: busy times are never silently empty because a window is far from today. A feed's events in 2012 are
/// busy in 2012, a weekly series begun in 1901 is busy in 2100 (the engine jumps there), and a window outside the years
/// 1900-2100 is a 400 naming them.
/// </summary>
public sealed class BusyTimesYearsTests
{
    private static readonly string Feed = Ics.Calendar(
        Ics.Event("2012", "DTSTART:20120305T090000Z", "DTEND:20120305T100000Z"),
        Ics.Event("weekly", "DTSTART:19010107T140000Z", "DTEND:19010107T150000Z", "RRULE:FREQ=WEEKLY")
    );

    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;
    private HttpClient client = null!;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" }
        );
        var (_, key) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(key);
        var saved = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feeds.AddFeed("years", Feed) } }));
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    private async Task<List<(string? Start, string? End)>> BusyAsync(string from, string to)
    {
        var response = await client.GetAsync($"/v2/calendars/busy-times?dateFrom={from}&dateTo={to}&timeZone=UTC");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await Json.ReadAsync(response))
            .GetProperty("data")
            .EnumerateArray()
            .Select(i => (i.GetProperty("start").GetString(), i.GetProperty("end").GetString()))
            .ToList();
    }

    [Test]
    public async Task A2012Window_OfA2012Feed_IsBusyAsTheFeedSays()
    {
        var busy = await BusyAsync("2012-03-05", "2012-03-05");

        Assert.That(busy, Does.Contain(("2012-03-05T09:00:00.000Z", "2012-03-05T10:00:00.000Z")));
        Assert.That(
            busy,
            Does.Contain(("2012-03-05T14:00:00.000Z", "2012-03-05T15:00:00.000Z")),
            "a Monday of the weekly series begun in 1901"
        );
    }

    [Test]
    public async Task TheLastWeekOf2100_HasTheWeeklySeriesBegunIn1901()
    {
        var busy = await BusyAsync("2100-12-25", "2100-12-31");

        Assert.That(busy, Is.EqualTo(new[] { ("2100-12-27T14:00:00.000Z", "2100-12-27T15:00:00.000Z") }), "27 December 2100 is a Monday");
    }

    [TestCase("2200-01-01", "2200-01-07", "dateFrom")]
    [TestCase("1899-12-01", "1899-12-07", "dateFrom")]
    [TestCase("2100-12-31", "2101-01-02", "dateTo")]
    public async Task AWindowOutsideTheYears1900To2100_Is400NamingThem(string from, string to, string field)
    {
        var response = await client.GetAsync($"/v2/calendars/busy-times?dateFrom={from}&dateTo={to}&timeZone=UTC");

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");
        Assert.That(
            error
                .GetProperty("details")
                .GetProperty("errors")
                .EnumerateArray()
                .Select(e => (e.GetProperty("field").GetString(), e.GetProperty("message").GetString())),
            Does.Contain((field, "must be within the years 1900 to 2100"))
        );
    }
}

using System.Net;
using System.Text.Json;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Availability;

/// <summary>
/// Event types (2024-06-14, #17.2) and slots (2024-09-04, #17.3) through the host: a Berlin schedule, an ICS feed's busy
/// hour widened by the buffers, slots stepped by the interval in the requested zone with its offset, public access,
/// a 503 that names an unreadable calendar.
/// </summary>
public sealed class EventTypesAndSlotsTests
{
    // Monday 29 March 2027, the day after Berlin moves to summer time: busy 10:00-11:00 Berlin (08:00-09:00Z).
    private static readonly string Busy = Ics.Calendar(Ics.Event("busy", "DTSTART:20270329T080000Z", "DTEND:20270329T090000Z"));

    private IcsFeedServer feeds = null!;
    private CalApiFactory api = null!;
    private HttpClient client = null!;
    private HttpClient anonymous = null!;

    [SetUp]
    public async Task SetUp()
    {
        feeds = await IcsFeedServer.StartAsync();
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["FeedCache:TimeToLive"] = "00:00:00",
            }
        );
        var (_, key) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(key);
        anonymous = api.CreateClient();
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        anonymous.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
        await feeds.DisposeAsync();
    }

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        var response = await client.PostAsync(path, Json.Body(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await Json.ReadAsync(response)).GetProperty("data");
    }

    private async Task<int> BerlinEventTypeAsync(object? extra = null)
    {
        await PostAsync(
            "/v2/schedules",
            new
            {
                name = "Work",
                timeZone = "Europe/Berlin",
                isDefault = true,
            }
        );
        var created = await PostAsync(
            "/v2/event-types",
            extra
                ?? new
                {
                    title = "Call",
                    slug = "call",
                    lengthInMinutes = 30,
                    beforeEventBuffer = 15,
                    afterEventBuffer = 15,
                }
        );
        return created.GetProperty("id").GetInt32();
    }

    [Test]
    public async Task EventTypes_CrudInCalComsShape_SlugUniquePerOwner_OthersNotFound()
    {
        var created = await PostAsync(
            "/v2/event-types",
            new
            {
                title = "Intro",
                slug = "intro",
                lengthInMinutes = 15,
                slotInterval = 5,
                minimumBookingNotice = 60,
            }
        );
        var id = created.GetProperty("id").GetInt32();

        Assert.That(
            created.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(
                new[]
                {
                    "id",
                    "ownerId",
                    "title",
                    "slug",
                    "lengthInMinutes",
                    "description",
                    "scheduleId",
                    "beforeEventBuffer",
                    "afterEventBuffer",
                    "minimumBookingNotice",
                    "slotInterval",
                }
            )
        );
        await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync(
                "/v2/event-types",
                Json.Body(
                    new
                    {
                        title = "Again",
                        slug = "intro",
                        lengthInMinutes = 15,
                    }
                )
            ),
            409,
            "ConflictException"
        );
        var patched = (
            await Json.ReadAsync(await client.PatchAsync($"/v2/event-types/{id}", Json.Body(new { lengthInMinutes = 45 })))
        ).GetProperty("data");
        Assert.That(
            (patched.GetProperty("lengthInMinutes").GetInt32(), patched.GetProperty("slotInterval").GetInt32()),
            Is.EqualTo((45, 5))
        );
        Assert.That((await Json.ReadAsync(await client.GetAsync("/v2/event-types"))).GetProperty("data").GetArrayLength(), Is.EqualTo(1));

        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var other = api.CreateAuthorizedClient(otherKey);
        await Json.AssertErrorEnvelopeAsync(await other.GetAsync($"/v2/event-types/{id}"), 404, "NotFoundException");
        await Json.AssertErrorEnvelopeAsync(await other.DeleteAsync($"/v2/event-types/{id}"), 404, "NotFoundException");
        var error = await Json.AssertErrorEnvelopeAsync(
            await client.PostAsync(
                "/v2/event-types",
                Json.Body(
                    new
                    {
                        title = "",
                        slug = "Not A Slug",
                        lengthInMinutes = 0,
                    }
                )
            ),
            400,
            "BadRequestException"
        );
        Assert.That(Json.ErrorFields(error), Is.EquivalentTo(new[] { "title", "slug", "lengthInMinutes" }));

        Assert.That((await client.DeleteAsync($"/v2/event-types/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Json.AssertErrorEnvelopeAsync(await client.GetAsync($"/v2/event-types/{id}"), 404, "NotFoundException");
    }

    [Test]
    public async Task Slots_AreTheSchedulesHours_LessTheBusyHourWidenedByTheBuffers_InTheRequestedZone_WithoutAuthentication()
    {
        await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feeds.AddFeed("busy", Busy) } }));
        var eventTypeId = await BerlinEventTypeAsync();

        var response = await anonymous.GetAsync(
            $"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29&timeZone=Europe/Berlin"
        );
        var data = (await Json.ReadAsync(response)).GetProperty("data");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(data.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "2027-03-29" }));
        var starts = data.GetProperty("2027-03-29").EnumerateArray().Select(s => s.GetProperty("start").GetString()).ToList();
        Assert.That(starts[0], Is.EqualTo("2027-03-29T09:00:00.000+02:00"), "09:00 wall-clock, the day after the change, with its offset");
        Assert.That(
            starts.Select(s => s![11..16]),
            Is.EqualTo(
                new[] { "09:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30" }
            ),
            "10:00-11:00 is busy: a slot needs 15 minutes free after it (09:30 is out) and 15 before it (11:00 is out)"
        );
    }

    [Test]
    public async Task FormatRange_GivesEnds_DurationIsTheEventTypesLength_AndTheZoneDefaultsToUtc()
    {
        var eventTypeId = await BerlinEventTypeAsync(
            new
            {
                title = "Long",
                slug = "long",
                lengthInMinutes = 240,
            }
        );

        var data = (
            await Json.ReadAsync(
                await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-30&end=2027-03-30&format=range&duration=240")
            )
        ).GetProperty("data");

        var slots = data.GetProperty("2027-03-30").EnumerateArray().ToList();
        Assert.That(
            slots.Select(s => (s.GetProperty("start").GetString(), s.GetProperty("end").GetString())),
            Is.EqualTo(
                new[]
                {
                    ("2027-03-30T07:00:00.000+00:00", "2027-03-30T11:00:00.000+00:00"),
                    ("2027-03-30T11:00:00.000+00:00", "2027-03-30T15:00:00.000+00:00"),
                }
            ),
            "4-hour slots stepped by the length from 09:00 Berlin, in UTC"
        );
    }

    [Test]
    public async Task AnUnreadableCalendar_Is503NamingTheEventType_NeverFree_NorTheHostsCredential()
    {
        var url = feeds.AddFeed("flaky", Busy);
        await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { url } }));
        var eventTypeId = await BerlinEventTypeAsync();
        feeds.RemoveFeed("flaky");

        var response = await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29");
        var text = await response.Content.ReadAsStringAsync();
        var error = await Json.AssertErrorEnvelopeAsync(response, 503, "ServiceUnavailableException");

        Assert.That(error.GetProperty("message").GetString(), Does.Contain($"event type {eventTypeId}"));
        Assert.That(
            error.GetProperty("details").EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "eventTypeId" }),
            "no credential id, account, reason or upstream status"
        );
        Assert.That(text, Does.Not.Contain("credential").IgnoreCase.And.Not.Contain("404").And.Not.Contain("http_status"));
    }

    [Test]
    public async Task ABadRange_Is400WithCalComsMessage_AndNoScheduleMeansNoSlots()
    {
        var created = await PostAsync(
            "/v2/event-types",
            new
            {
                title = "Bare",
                slug = "bare",
                lengthInMinutes = 30,
            }
        );
        var id = created.GetProperty("id").GetInt32();

        var backwards = await Json.AssertErrorEnvelopeAsync(
            await anonymous.GetAsync($"/v2/slots?eventTypeId={id}&start=2027-03-30&end=2027-03-29"),
            400,
            "BadRequestException"
        );
        var tooLong = await Json.AssertErrorEnvelopeAsync(
            await anonymous.GetAsync($"/v2/slots?eventTypeId={id}&start=2027-01-01&end=2028-06-01"),
            400,
            "BadRequestException"
        );
        var none = await Json.ReadAsync(await anonymous.GetAsync($"/v2/slots?eventTypeId={id}&start=2027-03-29&end=2027-03-30"));

        Assert.That(
            backwards.GetProperty("message").GetString(),
            Is.EqualTo("Invalid time range given - check the 'start' and 'end' query parameters.")
        );
        Assert.That(
            tooLong.GetProperty("message").GetString(),
            Is.EqualTo("Invalid time range given - check the 'start' and 'end' query parameters.")
        );
        Assert.That(none.GetProperty("data").GetRawText(), Is.EqualTo("{}"), "no schedule: no slots");
    }

    [Test]
    public async Task TheEarlierSlotsCall_WhichTheSdkMakes_AnswersInItsShape()
    {
        var eventTypeId = await BerlinEventTypeAsync(
            new
            {
                title = "Hour",
                slug = "hour",
                lengthInMinutes = 60,
            }
        );

        var data = (
            await Json.ReadAsync(
                await anonymous.GetAsync(
                    $"/v2/slots/available?eventTypeId={eventTypeId}&startTime=2027-03-30T00:00:00Z&endTime=2027-03-30T23:59:59Z&timeZone=Europe/Berlin"
                )
            )
        ).GetProperty("data");

        var day = data.GetProperty("slots")
            .GetProperty("2027-03-30")
            .EnumerateArray()
            .Select(s => s.GetProperty("time").GetString())
            .ToList();
        Assert.That(day, Has.Count.EqualTo(8));
        Assert.That(day[0], Is.EqualTo("2027-03-30T09:00:00.000+02:00"));
    }

    [Test]
    public async Task Slots_ByEventTypeSlugAndUsername_AsCalComAllows()
    {
        var (_, key) = await api.CreateUserWithKeyAsync("Slot.Owner@example.com");
        using var owner = api.CreateAuthorizedClient(key);
        Assert.That(
            (await owner.PostAsync("/v2/schedules", Json.Body(new { name = "Work", timeZone = "UTC" }))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        Assert.That(
            (
                await owner.PostAsync(
                    "/v2/event-types",
                    Json.Body(
                        new
                        {
                            title = "Chat",
                            slug = "chat",
                            lengthInMinutes = 60,
                        }
                    )
                )
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );

        var data = (
            await Json.ReadAsync(
                await anonymous.GetAsync("/v2/slots?eventTypeSlug=chat&username=slot-owner-example-com&start=2027-03-29&end=2027-03-29")
            )
        ).GetProperty("data");
        var unknown = await anonymous.GetAsync("/v2/slots?eventTypeSlug=chat&username=nobody-example-com&start=2027-03-29&end=2027-03-29");

        Assert.That(
            data.GetProperty("2027-03-29").GetArrayLength(),
            Is.EqualTo(8),
            "the owner's username is their slugified email, as in cal.com"
        );
        await Json.AssertErrorEnvelopeAsync(unknown, 404, "NotFoundException");
    }

    /// <summary>
    /// The walk-through: Berlin, Mon-Fri 09:00-17:00, 24 December closed, 30 minutes with 10 after, a weekly
    /// meeting (Mondays 10:00-11:00 Berlin) and an all-day event, a month across the end of summer time (31 October 2027).
    /// Two days checked by hand.
    /// </summary>
    [Test]
    public async Task AMonthAcrossTheEndOfSummerTime_TwoDaysCheckedByHand()
    {
        var feed = Ics.Calendar(
            "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
                + "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
            Ics.Event(
                "weekly",
                "DTSTART;TZID=Europe/Berlin:20271004T100000",
                "DTEND;TZID=Europe/Berlin:20271004T110000",
                "RRULE:FREQ=WEEKLY;BYDAY=MO"
            ),
            Ics.Event("offsite", "DTSTART;VALUE=DATE:20271027", "DTEND;VALUE=DATE:20271028")
        );
        await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { feeds.AddFeed("meetings", feed) } }));
        await PostAsync(
            "/v2/schedules",
            new
            {
                name = "Berlin office",
                timeZone = "Europe/Berlin",
                isDefault = true,
                availability = new[]
                {
                    new
                    {
                        days = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" },
                        startTime = "09:00",
                        endTime = "17:00",
                    },
                },
                overrides = new[]
                {
                    new
                    {
                        date = "2027-12-24",
                        startTime = "00:00",
                        endTime = "00:00",
                    },
                },
            }
        );
        var eventTypeId = (
            await PostAsync(
                "/v2/event-types",
                new
                {
                    title = "30 min",
                    slug = "30-min",
                    lengthInMinutes = 30,
                    afterEventBuffer = 10,
                }
            )
        ).GetProperty("id").GetInt32();

        var month = (
            await Json.ReadAsync(
                await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-10-18&end=2027-11-17&timeZone=Europe/Berlin")
            )
        ).GetProperty("data");
        List<string> Day(string date) =>
            month.TryGetProperty(date, out var slots)
                ? slots.EnumerateArray().Select(s => s.GetProperty("start").GetString()!).ToList()
                : [];

        // Friday 29 October, summer time (+02:00): 16 half-hour slots from 09:00 to 16:30.
        Assert.That(Day("2027-10-29"), Has.Count.EqualTo(16));
        Assert.That(Day("2027-10-29")[0], Is.EqualTo("2027-10-29T09:00:00.000+02:00"));
        // Monday 1 November, winter time (+01:00): the meeting 10:00-11:00 takes 09:30 (its 10 minutes after would run into
        // the meeting), 10:00 and 10:30: 13 slots, 09:00 first, 11:00 next.
        Assert.That(Day("2027-11-01"), Has.Count.EqualTo(13));
        Assert.That(Day("2027-11-01").Take(2), Is.EqualTo(new[] { "2027-11-01T09:00:00.000+01:00", "2027-11-01T11:00:00.000+01:00" }));
        Assert.That(Day("2027-10-27"), Is.Empty, "the all-day event blocks the whole day");
        Assert.That(Day("2027-10-30").Concat(Day("2027-10-31")), Is.Empty, "the weekend");
        Assert.That(
            month.EnumerateObject().Count(),
            Is.EqualTo(22),
            "23 weekdays from 18 October to 17 November, less the all-day event's"
        );

        var christmas = (
            await Json.ReadAsync(
                await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-12-23&end=2027-12-24&timeZone=Europe/Berlin")
            )
        ).GetProperty("data");
        Assert.That(christmas.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "2027-12-23" }), "the override closes 24 December");
    }
}

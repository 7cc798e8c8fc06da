using System.Net;
using System.Text.Json;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Bookings;

/// <summary>
/// Issue #31 through the host: bookings in cal.com's 2024-08-13 shapes (create, get by uid, list with filters and
/// pagination, cancel, reschedule), the rules of their input, and slots that leave booked and reserved time out at once.
/// </summary>
public sealed class BookingsTests
{
    // Monday 29 March 2027, the day after Berlin moves to summer time: 09:00 Berlin is 07:00Z.
    private const string Monday = "2027-03-29";

    private CalApiFactory api = null!;
    private HttpClient host = null!;
    private HttpClient anonymous = null!;
    private int eventTypeId;

    [SetUp]
    public async Task SetUp()
    {
        api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync("alice@example.com");
        host = api.CreateAuthorizedClient(key);
        anonymous = api.CreateClient();
        Assert.That(
            (
                await host.PostAsync(
                    "/v2/schedules",
                    Json.Body(
                        new
                        {
                            name = "Work",
                            timeZone = "Europe/Berlin",
                            isDefault = true,
                        }
                    )
                )
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        eventTypeId = (
            await Json.ReadAsync(
                await host.PostAsync(
                    "/v2/event-types",
                    Json.Body(
                        new
                        {
                            title = "30 min",
                            slug = "30-min",
                            lengthInMinutes = 30,
                            afterEventBuffer = 10,
                        }
                    )
                )
            )
        ).GetProperty("data").GetProperty("id").GetInt32();
    }

    [TearDown]
    public async Task TearDown()
    {
        host.Dispose();
        anonymous.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
    }

    private static Dictionary<string, object?> Body(
        string start,
        int eventType,
        string name = "Bob",
        string email = "bob@example.org",
        object? extra = null
    )
    {
        var body = new Dictionary<string, object?>
        {
            ["start"] = start,
            ["eventTypeId"] = eventType,
            ["attendee"] = new
            {
                name,
                email,
                timeZone = "America/New_York",
                language = "en",
            },
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }

        return body;
    }

    private async Task<JsonElement> BookAsync(string start, HttpStatusCode expected = HttpStatusCode.Created, object? extra = null)
    {
        var response = await anonymous.PostAsync("/v2/bookings", Json.Body(Body(start, eventTypeId, extra: extra)));
        var json = await Json.ReadAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(expected), json.ToString());
        return json;
    }

    private async Task<List<string>> SlotsAsync(string day = Monday) =>
        (
            await Json.ReadAsync(
                await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start={day}&end={day}&timeZone=Europe/Berlin")
            )
        )
            .GetProperty("data")
            .EnumerateObject()
            .SelectMany(d => d.Value.EnumerateArray().Select(s => s.GetProperty("start").GetString()![11..16]))
            .ToList();

    [Test]
    public async Task ABooking_HasCalComsShape_AndItsTimeIsNoLongerOffered_AtOnce()
    {
        var created = (await BookAsync($"{Monday}T07:00:00.000Z")).GetProperty("data");

        Assert.That(
            created.EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(
                new[]
                {
                    "id",
                    "uid",
                    "title",
                    "description",
                    "hosts",
                    "status",
                    "start",
                    "end",
                    "duration",
                    "eventTypeId",
                    "eventType",
                    "location",
                    "absentHost",
                    "createdAt",
                    "updatedAt",
                    "metadata",
                    "icsUid",
                    "attendees",
                    "guests",
                    "bookingFieldsResponses",
                }
            )
        );
        Assert.That(created.GetProperty("title").GetString(), Is.EqualTo("30 min between alice@example.com and Bob"));
        Assert.That(
            (created.GetProperty("start").GetString(), created.GetProperty("end").GetString(), created.GetProperty("duration").GetInt32()),
            Is.EqualTo(("2027-03-29T07:00:00.000Z", "2027-03-29T07:30:00.000Z", 30))
        );
        Assert.That(created.GetProperty("status").GetString(), Is.EqualTo("accepted"));
        Assert.That(
            created.GetProperty("uid").GetString(),
            Has.Length.GreaterThanOrEqualTo(22).And.Match("^[A-Za-z0-9_-]+$"),
            "at least 128 bits, URL-safe"
        );
        var hostJson = created.GetProperty("hosts")[0];
        Assert.That(
            (
                hostJson.GetProperty("email").GetString(),
                hostJson.GetProperty("username").GetString(),
                hostJson.GetProperty("timeZone").GetString()
            ),
            Is.EqualTo(("alice@example.com", "alice-example-com", "Europe/Berlin"))
        );
        var attendee = created.GetProperty("attendees")[0];
        Assert.That(
            (
                attendee.GetProperty("name").GetString(),
                attendee.GetProperty("email").GetString(),
                attendee.GetProperty("timeZone").GetString(),
                attendee.GetProperty("absent").GetBoolean()
            ),
            Is.EqualTo(("Bob", "bob@example.org", "America/New_York", false))
        );
        Assert.That(created.GetProperty("eventType").GetProperty("slug").GetString(), Is.EqualTo("30-min"));

        var slots = await SlotsAsync();
        Assert.That(slots, Does.Not.Contain("09:00").And.Not.Contain("09:30"), "booked, and its 10 minutes after take 09:30");
        Assert.That(slots, Does.Contain("10:00"));
    }

    [Test]
    public async Task GetByUid_IsPublic_ButAnotherHostsKeyIsToldItDoesNotExist()
    {
        var uid = (await BookAsync($"{Monday}T07:00:00Z")).GetProperty("data").GetProperty("uid").GetString();
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var other = api.CreateAuthorizedClient(otherKey);

        var anyone = await anonymous.GetAsync($"/v2/bookings/{uid}");
        var hostsOwn = await host.GetAsync($"/v2/bookings/{uid}");
        var wrongKey = await other.GetAsync($"/v2/bookings/{uid}");
        var unknown = await anonymous.GetAsync("/v2/bookings/not-a-booking");

        Assert.That((anyone.StatusCode, hostsOwn.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        await Json.AssertErrorEnvelopeAsync(wrongKey, 404, "NotFoundException");
        var error = await Json.AssertErrorEnvelopeAsync(unknown, 404, "NotFoundException");
        Assert.That(error.GetProperty("message").GetString(), Is.EqualTo("Booking with uid=not-a-booking was not found in the database"));
    }

    [Test]
    public async Task Cancel_OffersTheSlotAgainAtOnce_AndTwiceIs400()
    {
        var uid = (await BookAsync($"{Monday}T08:00:00Z")).GetProperty("data").GetProperty("uid").GetString();
        Assert.That(await SlotsAsync(), Does.Not.Contain("10:00"));

        var cancelled = await anonymous.PostAsync($"/v2/bookings/{uid}/cancel", Json.Body(new { cancellationReason = "Cannot make it" }));
        var data = (await Json.ReadAsync(cancelled)).GetProperty("data");

        Assert.That(cancelled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            (
                data.GetProperty("status").GetString(),
                data.GetProperty("cancellationReason").GetString(),
                data.GetProperty("cancelledByEmail").GetString()
            ),
            Is.EqualTo(("cancelled", "Cannot make it", "bob@example.org"))
        );
        Assert.That(await SlotsAsync(), Does.Contain("10:00"), "offered again at once");
        await Json.AssertErrorEnvelopeAsync(
            await anonymous.PostAsync($"/v2/bookings/{uid}/cancel", Json.Body(new { })),
            400,
            "BadRequestException"
        );
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var other = api.CreateAuthorizedClient(otherKey);
        var second = (await BookAsync($"{Monday}T09:00:00Z")).GetProperty("data").GetProperty("uid").GetString();
        await Json.AssertErrorEnvelopeAsync(
            await other.PostAsync($"/v2/bookings/{second}/cancel", Json.Body(new { })),
            404,
            "NotFoundException"
        );
    }

    [Test]
    public async Task Reschedule_MakesANewBooking_TheOldOneCancelledPointingToIt_ItsOwnTimeNotInTheWay()
    {
        var old = (await BookAsync($"{Monday}T07:00:00Z")).GetProperty("data").GetProperty("uid").GetString();

        // 07:15Z overlaps the old booking's own time: allowed, as it is the one moving.
        var moved = await anonymous.PostAsync(
            $"/v2/bookings/{old}/reschedule",
            Json.Body(new { start = $"{Monday}T07:30:00Z", reschedulingReason = "Later" })
        );
        var data = (await Json.ReadAsync(moved)).GetProperty("data");
        var oldNow = (await Json.ReadAsync(await anonymous.GetAsync($"/v2/bookings/{old}"))).GetProperty("data");

        Assert.That(moved.StatusCode, Is.EqualTo(HttpStatusCode.Created), data.ToString());
        Assert.That(
            (
                data.GetProperty("rescheduledFromUid").GetString(),
                data.GetProperty("reschedulingReason").GetString(),
                data.GetProperty("start").GetString()
            ),
            Is.EqualTo((old, "Later", "2027-03-29T07:30:00.000Z"))
        );
        Assert.That(
            (oldNow.GetProperty("status").GetString(), oldNow.GetProperty("rescheduledToUid").GetString()),
            Is.EqualTo(("cancelled", data.GetProperty("uid").GetString()))
        );
        var again = await Json.AssertErrorEnvelopeAsync(
            await anonymous.PostAsync($"/v2/bookings/{old}/reschedule", Json.Body(new { start = $"{Monday}T12:00:00Z" })),
            400,
            "BadRequestException"
        );
        Assert.That(
            again.GetProperty("message").GetString(),
            Does.StartWith($"Can't reschedule booking with uid={old} because it has been cancelled.")
        );
    }

    [Test]
    public async Task List_IsTheHostsOwn_FilteredAndPaginatedAsCalCom()
    {
        foreach (var hour in new[] { "07", "08", "09", "10" })
        {
            await BookAsync($"{Monday}T{hour}:00:00Z");
        }

        var cancelledUid = (await BookAsync($"{Monday}T11:00:00Z")).GetProperty("data").GetProperty("uid").GetString();
        await anonymous.PostAsync($"/v2/bookings/{cancelledUid}/cancel", Json.Body(new { }));

        var page = await Json.ReadAsync(await host.GetAsync("/v2/bookings?status=upcoming&take=3&skip=0&sortStart=desc"));
        var cancelled = await Json.ReadAsync(await host.GetAsync("/v2/bookings?status=cancelled"));
        var byEmail = await Json.ReadAsync(await host.GetAsync("/v2/bookings?attendeeEmail=BOB@example.org&take=250"));
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var other = api.CreateAuthorizedClient(otherKey);
        var others = await Json.ReadAsync(await other.GetAsync("/v2/bookings"));

        Assert.That(
            page.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("start").GetString()![11..13]),
            Is.EqualTo(new[] { "10", "09", "08" })
        );
        var pagination = page.GetProperty("pagination");
        Assert.That(
            pagination.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(
                new[]
                {
                    "returnedItems",
                    "totalItems",
                    "itemsPerPage",
                    "remainingItems",
                    "currentPage",
                    "totalPages",
                    "hasNextPage",
                    "hasPreviousPage",
                }
            )
        );
        Assert.That(
            (
                pagination.GetProperty("returnedItems").GetInt32(),
                pagination.GetProperty("totalItems").GetInt32(),
                pagination.GetProperty("remainingItems").GetInt32(),
                pagination.GetProperty("totalPages").GetInt32(),
                pagination.GetProperty("hasNextPage").GetBoolean()
            ),
            Is.EqualTo((3, 4, 1, 2, true))
        );
        Assert.That(cancelled.GetProperty("data").GetArrayLength(), Is.EqualTo(1));
        Assert.That(byEmail.GetProperty("data").GetArrayLength(), Is.EqualTo(5));
        Assert.That(others.GetProperty("data").GetArrayLength(), Is.Zero, "another host's bookings are not listed");
        await Json.AssertErrorEnvelopeAsync(await anonymous.GetAsync("/v2/bookings"), 401, "UnauthorizedException");
        await Json.AssertErrorEnvelopeAsync(await host.GetAsync("/v2/bookings?take=251"), 400, "BadRequestException");
        await Json.AssertErrorEnvelopeAsync(await host.GetAsync("/v2/bookings?status=someday"), 400, "BadRequestException");
    }

    [TestCase(
        """{"start":"2027-03-29T07:00:00Z","eventTypeId":EVENT,"attendee":{"name":"Bob","email":"bob@example.org","timeZone":"Mars/Olympus"}}""",
        "attendee.timeZone"
    )]
    [TestCase(
        """{"start":"2027-03-29T07:00:00Z","eventTypeId":EVENT,"attendee":{"name":"Bob","email":"not an email","timeZone":"UTC"}}""",
        "attendee.email"
    )]
    [TestCase(
        """{"start":"2027-03-29T07:00:00Z","eventTypeId":EVENT,"attendee":{"name":"","email":"bob@example.org","timeZone":"UTC"}}""",
        "attendee.name"
    )]
    [TestCase(
        """{"start":"2027-03-29T07:00:00","eventTypeId":EVENT,"attendee":{"name":"Bob","email":"bob@example.org","timeZone":"UTC"}}""",
        "start"
    )]
    [TestCase(
        """{"start":"2027-03-29T07:00:00Z","eventTypeId":EVENT,"attendee":{"name":"Bob","email":"bob@example.org","timeZone":"UTC"},"guests":["a@x.org","b@x.org","c@x.org","d@x.org","e@x.org","f@x.org","g@x.org","h@x.org","i@x.org","j@x.org","k@x.org"]}""",
        "guests"
    )]
    [TestCase(
        """{"start":"2027-03-29T07:00:00Z","eventTypeId":EVENT,"attendee":{"name":"Bob","email":"bob@example.org","timeZone":"UTC"},"guests":["nope"]}""",
        "guests[0]"
    )]
    [TestCase(
        """{"start":"2027-03-29T07:00:00Z","eventTypeId":EVENT,"attendee":{"name":"Bob","email":"bob@example.org","timeZone":"UTC"},"unknownField":1}""",
        "unknownField"
    )]
    [TestCase(
        """{"start":"2027-03-29T07:00:00Z","eventTypeId":EVENT,"attendee":{"name":"Bob","email":"bob@example.org","timeZone":"UTC","phone":"1"}}""",
        "attendee.phone"
    )]
    [TestCase(
        """{"start":"2027-03-29T07:00:00Z","eventTypeId":EVENT,"attendee":{"name":"Bob","email":"bob@example.org","timeZone":"UTC"},"metadata":{"k":1}}""",
        "metadata"
    )]
    public async Task BadInput_Is400NamingTheField(string json, string field)
    {
        var response = await anonymous.PostAsync(
            "/v2/bookings",
            Json.Body(
                json.Replace("EVENT", eventTypeId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            )
        );

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");
        Assert.That(Json.ErrorFields(error), Does.Contain(field));
    }

    [Test]
    public async Task FiftyOneMetadataKeys_AStartNotOnASlot_InThePast_AndAnUnknownEventType_AreRefusedWithCalComsMessages()
    {
        var metadata = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v");
        var tooMany = await anonymous.PostAsync(
            "/v2/bookings",
            Json.Body(Body($"{Monday}T07:00:00Z", eventTypeId, extra: new { metadata }))
        );
        var offSlot = await anonymous.PostAsync("/v2/bookings", Json.Body(Body($"{Monday}T07:10:00Z", eventTypeId)));
        var past = await anonymous.PostAsync("/v2/bookings", Json.Body(Body("2020-03-02T08:00:00Z", eventTypeId)));
        var unknown = await anonymous.PostAsync("/v2/bookings", Json.Body(Body($"{Monday}T07:00:00Z", 999_999)));

        Assert.That(Json.ErrorFields(await Json.AssertErrorEnvelopeAsync(tooMany, 400, "BadRequestException")), Does.Contain("metadata"));
        Assert.That(
            (await Json.AssertErrorEnvelopeAsync(offSlot, 400, "BadRequestException")).GetProperty("message").GetString(),
            Is.EqualTo("User either already has booking at this time or is not available")
        );
        Assert.That(
            (await Json.AssertErrorEnvelopeAsync(past, 400, "BadRequestException")).GetProperty("message").GetString(),
            Is.EqualTo("Attempting to book a meeting in the past.")
        );
        Assert.That(
            (await Json.AssertErrorEnvelopeAsync(unknown, 404, "NotFoundException")).GetProperty("message").GetString(),
            Is.EqualTo("Event type with id 999999 not found.")
        );
        Assert.That(
            await api.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Bookings)),
            Is.Zero,
            "nothing stored"
        );
    }

    [Test]
    public async Task AReservedSlot_IsNotOffered_RefusedWithoutItsUid_BookedWithIt_AndOfferedAgainAfterItEnds()
    {
        var reserved = await anonymous.PostAsync(
            "/v2/slots/reservations",
            Json.Body(new { eventTypeId, slotStart = $"{Monday}T09:00:00Z" })
        );
        var reservation = (await Json.ReadAsync(reserved)).GetProperty("data");
        Assert.That(reserved.StatusCode, Is.EqualTo(HttpStatusCode.Created), reservation.ToString());
        var uid = reservation.GetProperty("reservationUid").GetString();
        Assert.That(reservation.GetProperty("reservationDuration").GetInt32(), Is.EqualTo(5));

        Assert.That(await SlotsAsync(), Does.Not.Contain("11:00"), "held: not offered");
        var withoutUid = await anonymous.PostAsync("/v2/bookings", Json.Body(Body($"{Monday}T09:00:00Z", eventTypeId)));
        var error = await Json.AssertErrorEnvelopeAsync(withoutUid, 409, "ConflictException");
        Assert.That(
            error.GetProperty("message").GetString(),
            Does.Match(
                @"^Someone else reserved this booking time slot before you\. This time slot will be freed up in (29\d|300) seconds\.$"
            )
        );
        Assert.That(
            await anonymous.PostAsync("/v2/slots/reservations", Json.Body(new { eventTypeId, slotStart = $"{Monday}T09:00:00Z" })),
            Has.Property("StatusCode").EqualTo((HttpStatusCode)422)
        );
        Assert.That(
            (await Json.ReadAsync(await anonymous.GetAsync($"/v2/slots/reservations/{uid}")))
                .GetProperty("data")
                .TryGetProperty("reservationDuration", out _),
            Is.False
        );

        var withUid = await anonymous.PostAsync(
            "/v2/bookings",
            Json.Body(Body($"{Monday}T09:00:00Z", eventTypeId, extra: new { reservedSlotUid = uid }))
        );
        Assert.That(withUid.StatusCode, Is.EqualTo(HttpStatusCode.Created), await withUid.Content.ReadAsStringAsync());
        await Json.AssertErrorEnvelopeAsync(await anonymous.GetAsync($"/v2/slots/reservations/{uid}"), 404, "NotFoundException");
    }

    [Test]
    public async Task AReservationWithoutItsUid_Is409WithTheSecondsLeft_WhenItIsTheOnlyThingInTheWay()
    {
        // The booker sees the slot offered (listed before the reservation), then books it without the holder's uid.
        var reserved = (
            await Json.ReadAsync(
                await host.PostAsync(
                    "/v2/slots/reservations",
                    Json.Body(
                        new
                        {
                            eventTypeId,
                            slotStart = $"{Monday}T10:00:00Z",
                            reservationDuration = 1,
                        }
                    )
                )
            )
        ).GetProperty("data");
        Assert.That(reserved.GetProperty("reservationDuration").GetInt32(), Is.EqualTo(1), "the host may choose the length");
        await Json.AssertErrorEnvelopeAsync(
            await anonymous.PostAsync(
                "/v2/slots/reservations",
                Json.Body(
                    new
                    {
                        eventTypeId,
                        slotStart = $"{Monday}T11:00:00Z",
                        reservationDuration = 30,
                    }
                )
            ),
            401,
            "UnauthorizedException"
        );

        var refused = await anonymous.PostAsync("/v2/bookings", Json.Body(Body($"{Monday}T10:00:00Z", eventTypeId)));

        var error = await Json.AssertErrorEnvelopeAsync(refused, 409, "ConflictException");
        Assert.That(
            error.GetProperty("message").GetString(),
            Does.Match(@"will be freed up in (5\d|60) seconds\.$"),
            "a one-minute reservation"
        );
        var patched = await anonymous.PatchAsync(
            $"/v2/slots/reservations/{reserved.GetProperty("reservationUid").GetString()}",
            Json.Body(new { eventTypeId, slotStart = $"{Monday}T12:00:00Z" })
        );
        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK), await patched.Content.ReadAsStringAsync());
        Assert.That(
            await SlotsAsync(),
            Does.Not.Contain("14:00").And.Contain("12:00"),
            "moved: 14:00 Berlin (12:00Z) held now, 12:00 Berlin free again"
        );
        Assert.That(
            (await anonymous.DeleteAsync($"/v2/slots/reservations/{reserved.GetProperty("reservationUid").GetString()}")).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
        Assert.That(await SlotsAsync(), Does.Contain("14:00"), "deleted: offered again");
    }

    [Test]
    public async Task AManagedUser_IsAHost_AsCalComsPlatformHasIt()
    {
        var (_, clientJson, _) = await api.AdminAsync("oauth-clients", "create", "--name", "Platform");
        var oauth = JsonDocument.Parse(clientJson).RootElement;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/oauth-clients/{oauth.GetProperty("clientId").GetString()}/users")
        {
            Content = Json.Body(
                new
                {
                    email = "dana@example.com",
                    timeZone = "Europe/Berlin",
                    name = "Dana",
                }
            ),
        };
        request.Headers.Add("x-cal-secret-key", oauth.GetProperty("secret").GetString());
        var managed = (await Json.ReadAsync(await anonymous.SendAsync(request))).GetProperty("data");
        using var dana = api.CreateAuthorizedClient(managed.GetProperty("accessToken").GetString()!);

        // Her token makes the event type (her default schedule came with her); anyone books it, as on cal.com's platform.
        var created = await dana.PostAsync(
            "/v2/event-types",
            Json.Body(
                new
                {
                    title = "Intro",
                    slug = "intro",
                    lengthInMinutes = 15,
                }
            )
        );
        var danaEventType = (await Json.ReadAsync(created)).GetProperty("data").GetProperty("id").GetInt32();
        var booked = await anonymous.PostAsync("/v2/bookings", Json.Body(Body($"{Monday}T07:00:00Z", danaEventType)));
        var listed = await Json.ReadAsync(await dana.GetAsync("/v2/bookings"));

        Assert.That(booked.StatusCode, Is.EqualTo(HttpStatusCode.Created), await booked.Content.ReadAsStringAsync());
        Assert.That(listed.GetProperty("data").GetArrayLength(), Is.EqualTo(1), "listed by her own token");
        Assert.That(listed.GetProperty("data")[0].GetProperty("hosts")[0].GetProperty("name").GetString(), Is.EqualTo("Dana"));
    }
}

using System.Diagnostics;
using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Ical.Net;

namespace Cal.WebApi.FunctionalTests.Bookings;

/// <summary>
/// Issue #31's walk-through against a real Radicale: a schedule, an event type, a CalDAV account, its calendar as the
/// destination, slots, a booking; the event read back from Radicale (with Ical.Net, an independent reading) has the
/// booking's UID, times, summary, organizer and attendee; reschedule leaves only the new event, cancel removes it. And
/// the durable side effect: booked while Radicale is down, the event is there once it is back, within the retry delay.
/// </summary>
[NonParallelizable]
public sealed class BookingCalendarEventTests
{
    private const string Password = "alice-booking-pw";

    private RadicaleServer radicale = null!;
    private Uri calendar = null!;
    private CalApiFactory api = null!;
    private HttpClient host = null!;
    private HttpClient anonymous = null!;
    private int eventTypeId;

    [SetUp]
    public async Task SetUp()
    {
        radicale =
            RadicaleServer.TryStart(("alice", Password))
            ?? throw new InconclusiveException("radicale is not installed (apt-get install radicale); .ci/run installs it.");
        calendar = await radicale.CreateCalendarAsync("alice", "work", "Work");
        api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = radicale.AllowedHost,
                ["Outbound:FeedTimeout"] = "00:00:02",
                ["Outbox:RetryDelays:0"] = "00:00:00.500",
                ["Outbox:RetryDelays:1"] = "00:00:00.500",
                ["Outbox:RetryDelays:2"] = "00:00:01",
                ["Outbox:RetryDelays:3"] = "00:00:01",
                ["Outbox:RetryDelays:4"] = "00:00:01",
                ["Outbox:RetryDelays:5"] = "00:00:01",
                ["Outbox:RetryDelays:6"] = "00:00:01",
                ["Outbox:PollInterval"] = "00:00:00.200",
            }
        );
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
                        }
                    )
                )
            )
        ).GetProperty("data").GetProperty("id").GetInt32();
        var account = await host.PostAsync(
            "/v2/calendars/caldav/credentials",
            Json.Body(
                new
                {
                    url = radicale.BaseAddress.ToString(),
                    username = "alice",
                    password = Password,
                }
            )
        );
        Assert.That(account.StatusCode, Is.EqualTo(HttpStatusCode.Created), await account.Content.ReadAsStringAsync());
        var destination = await host.PutAsync(
            "/v2/destination-calendars",
            Json.Body(new { integration = "caldav_calendar", externalId = calendar.AbsoluteUri })
        );
        Assert.That(destination.StatusCode, Is.EqualTo(HttpStatusCode.OK), await destination.Content.ReadAsStringAsync());
    }

    [TearDown]
    public async Task TearDown()
    {
        // Null when the set-up stopped early (Radicale not installed).
        host?.Dispose();
        anonymous?.Dispose();
        if (api is not null)
        {
            await api.DisposeAsync();
            api.DeleteData();
        }

        radicale?.Dispose();
    }

    private async Task<(string Uid, string IcsUid)> BookAsync(string start)
    {
        var response = await anonymous.PostAsync(
            "/v2/bookings",
            Json.Body(
                new
                {
                    start,
                    eventTypeId,
                    attendee = new
                    {
                        name = "Bob",
                        email = "bob@example.org",
                        timeZone = "America/New_York",
                    },
                    guests = new[] { "carol@example.org" },
                }
            )
        );
        var data = (await Json.ReadAsync(response)).GetProperty("data");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), data.ToString());
        return (data.GetProperty("uid").GetString()!, data.GetProperty("icsUid").GetString()!);
    }

    private Uri EventUrl(string icsUid) => new(calendar, Uri.EscapeDataString(icsUid) + ".ics");

    /// <summary>Polls Radicale until the object is there (or gone), at most <paramref name="within"/>.</summary>
    private async Task<string?> WaitForAsync(string icsUid, bool present, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var ics = await radicale.GetObjectAsync("alice", EventUrl(icsUid));
            if ((ics is not null) == present || watch.Elapsed > within)
            {
                return ics;
            }

            await Task.Delay(100);
        }
    }

    [Test]
    public async Task TheWalkThrough_BookedEventIsInRadicale_RescheduleMovesIt_CancelRemovesIt()
    {
        var listed = (await Json.ReadAsync(await host.GetAsync("/v2/calendars"))).GetProperty("data").GetProperty("destinationCalendar");
        Assert.That(
            (
                listed.GetProperty("externalId").GetString(),
                listed.GetProperty("integration").GetString(),
                listed.GetProperty("readOnly").GetBoolean()
            ),
            Is.EqualTo((calendar.AbsoluteUri, "caldav_calendar", false))
        );
        var slots = (
            await Json.ReadAsync(await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-29&end=2027-03-29"))
        ).GetProperty("data");
        var first = slots.GetProperty("2027-03-29")[0].GetProperty("start").GetString()!;
        Assert.That(first, Is.EqualTo("2027-03-29T07:00:00.000+00:00"), "09:00 Berlin");

        var (uid, icsUid) = await BookAsync("2027-03-29T07:00:00.000Z");
        var written = await WaitForAsync(icsUid, present: true, TimeSpan.FromSeconds(10));

        Assert.That(written, Is.Not.Null, "the event was written to the destination calendar");
        var read = Calendar.Load(written!)!;
        var e = read.Events.Single();
        Assert.That(e.Uid, Is.EqualTo(icsUid));
        Assert.That(
            (e.DtStart!.AsUtc, e.DtEnd!.AsUtc),
            Is.EqualTo((new DateTime(2027, 3, 29, 7, 0, 0, DateTimeKind.Utc), new DateTime(2027, 3, 29, 7, 30, 0, DateTimeKind.Utc)))
        );
        Assert.That(e.Summary, Is.EqualTo("30 min between alice@example.com and Bob"));
        Assert.That(e.Organizer!.Value!.ToString(), Is.EqualTo("mailto:alice@example.com"));
        Assert.That(
            e.Attendees.Select(a => a.Value!.ToString()),
            Is.EquivalentTo(new[] { "mailto:bob@example.org", "mailto:carol@example.org" })
        );
        Assert.That(e.Attendees.Select(a => a.ParticipationStatus), Is.All.EqualTo("NEEDS-ACTION"));
        Assert.That((e.Status, e.Sequence, read.Method), Is.EqualTo(("CONFIRMED", 0, (string?)null)));

        // Busy times read from that calendar show the booking once.
        var busy = (
            await Json.ReadAsync(await host.GetAsync("/v2/calendars/busy-times?dateFrom=2027-03-29&dateTo=2027-03-29&timeZone=UTC"))
        ).GetProperty("data");
        Assert.That(
            busy.EnumerateArray().Select(b => b.GetProperty("start").GetString()),
            Is.EqualTo(new[] { "2027-03-29T07:00:00.000Z" })
        );

        var moved = await anonymous.PostAsync($"/v2/bookings/{uid}/reschedule", Json.Body(new { start = "2027-03-29T09:00:00Z" }));
        var newIcsUid = (await Json.ReadAsync(moved)).GetProperty("data").GetProperty("icsUid").GetString()!;
        Assert.That(await WaitForAsync(newIcsUid, present: true, TimeSpan.FromSeconds(10)), Is.Not.Null, "the new event written");
        Assert.That(await WaitForAsync(icsUid, present: false, TimeSpan.FromSeconds(10)), Is.Null, "the old one deleted");
        Assert.That(
            await radicale.ListObjectsAsync("alice", calendar),
            Is.EqualTo(new[] { Uri.EscapeDataString(newIcsUid) + ".ics" }).Or.EqualTo(new[] { newIcsUid + ".ics" }),
            "only the new one exists"
        );

        var newUid = (await Json.ReadAsync(moved)).GetProperty("data").GetProperty("uid").GetString();
        Assert.That(
            (await anonymous.PostAsync($"/v2/bookings/{newUid}/cancel", Json.Body(new { }))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
        Assert.That(await WaitForAsync(newIcsUid, present: false, TimeSpan.FromSeconds(10)), Is.Null, "cancelled: gone from the calendar");
        Assert.That(await radicale.ListObjectsAsync("alice", calendar), Is.Empty);
    }

    [Test]
    public async Task BookedWhileTheCalendarServerIsDown_The201DoesNotWait_AndTheEventIsThereOnceItIsBack()
    {
        // Warm the read model's view of the account while the server answers (the booking itself needs no calendar read
        // from a server that is down: its busy times were kept), then stop it.
        await anonymous.GetAsync($"/v2/slots?eventTypeId={eventTypeId}&start=2027-03-30&end=2027-03-30");
        radicale.StopServing();

        var watch = Stopwatch.StartNew();
        var (_, icsUid) = await BookAsync("2027-03-30T07:00:00Z");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "the 201 does not wait for the calendar server");

        await Task.Delay(1500); // at least one attempt fails meanwhile
        radicale.StartAgain();
        var written = await WaitForAsync(icsUid, present: true, TimeSpan.FromSeconds(10));

        Assert.That(written, Is.Not.Null, "written once the server was back, within the next retry delay");
        // The worker records an attempt's outcome just after performing it (in a batch): the event can be in Radicale a
        // moment before its item reads as done.
        Cal.Domain.Outbox.OutboxItem item;
        var recording = Stopwatch.StartNew();
        do
        {
            item = await api.WithDbAsync(db =>
                Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
                    System.Linq.Queryable.Where(db.Outbox, o => o.Kind == Cal.Domain.Outbox.OutboxKind.CalendarPut)
                )
            );
            if (item.CompletedAt is not null)
            {
                break;
            }

            await Task.Delay(50);
        } while (recording.Elapsed < TimeSpan.FromSeconds(5));

        Assert.That(item.CompletedAt, Is.Not.Null, "recorded as done");
        Assert.That(item.Attempts, Is.GreaterThanOrEqualTo(2), "it failed while the server was down, and was tried again");
    }
}

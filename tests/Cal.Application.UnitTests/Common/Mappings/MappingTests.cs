using System.Text.Json;
using AutoMapper;
using AutoMapper.Internal;
using Cal.Application.Bookings.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.Queries.GetConnectedCalendars;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.Schedules.Common;
using Cal.Application.Slots.Common;
using Cal.Application.UnitTests.TestSupport;
using Cal.Application.Webhooks.Common;
using Cal.Application.Webhooks.Delivery;
using Cal.Domain.Bookings;
using Cal.Domain.Calendars;
using Cal.Domain.EventTypes;
using Cal.Domain.Outbox;
using Cal.Domain.Schedules;
using Cal.Domain.Users;
using Cal.Domain.Webhooks;

namespace Cal.Application.UnitTests.Common.Mappings;

/// <summary>
/// Every entity → DTO map of every feature's profile (as jasontaylordev's <c>MappingTests</c>): the configuration is valid
/// (no destination member or constructor parameter left unmapped), every map has a sample here and maps it, and the maps
/// that rename, format or compute show cal.com's values.
/// </summary>
[TestFixture]
public sealed class MappingTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 12, 2, 9, 30, 15, 123, TimeSpan.Zero).AddTicks(4567);

    private static readonly IMapper Mapper = TestMapper.Instance;

    private static User Host() => User.Create("Host@Example.com", "Europe/Berlin", null, Now).WithId(7);

    private static Booking Booking() =>
        Domain
            .Bookings.Booking.Accept(
                "bk_1",
                "bk_1@cal",
                3,
                7,
                "Intro",
                "About it",
                Now,
                Now.AddMinutes(30),
                TimeSpan.Zero,
                TimeSpan.Zero,
                new Attendee("Ann", "ann@example.com", "Asia/Tokyo", "en"),
                """["g@example.com"]""",
                """{"k":"v"}""",
                Now
            )
            .WithId(11);

    private static Webhook Webhook(int? eventTypeId) =>
        Domain.Webhooks.Webhook.Create(
            "wh_1",
            7,
            eventTypeId,
            "http://127.0.0.1:9/hook",
            ["BOOKING_CREATED"],
            true,
            null,
            "protected",
            Now
        );

    private static OutboxItem Delivery() =>
        OutboxItem.Delivery(
            "wh_1",
            "del_1",
            "webhook:wh_1:bk_1",
            new WebhookDelivery("BOOKING_CREATED", "2026-12-02T09:30:15.123Z", "bk_1", null, []).Serialize(),
            Now
        );

    private static readonly CalendarIntegration IcsFeedApp = new(
        "ics-feed_calendar",
        "ics-feed",
        "ics-feed",
        "ICS Feed",
        DirName: "ics-feedcalendar"
    );

    /// <summary>One sample per source type of the configuration's maps; a new map needs one here.</summary>
    private static readonly Dictionary<Type, Func<object>> Samples = new()
    {
        [typeof(Credential)] = () => Credential.ForIcsFeed(7, "protected").WithId(5),
        [typeof(CalendarIntegration)] = () => IcsFeedApp,
        [typeof(Schedule)] = () =>
            Schedule.Create(
                7,
                "Work",
                "Europe/Berlin",
                overrides: [new ScheduleOverride(new DateOnly(2026, 12, 24), new(9, 0), new(12, 0))]
            ),
        [typeof(ScheduleAvailability)] = () => Schedule.DefaultAvailability[0],
        [typeof(ScheduleOverride)] = () => new ScheduleOverride(new DateOnly(2026, 12, 24), new(9, 0), new(12, 0)),
        [typeof(EventType)] = () => EventType.Create(7, "Intro", "intro", 30).WithId(3),
        [typeof(User)] = Host,
        [typeof(HostedBooking)] = () => new HostedBooking(Booking(), Host(), null),
        [typeof(Booking)] = Booking,
        [typeof(Webhook)] = () => Webhook(null),
        [typeof(OutboxItem)] = Delivery,
        [typeof(DestinationCalendar)] = () => DestinationCalendar.Of(7, "caldav_calendar", "http://127.0.0.1:9/cal/", 5),
        [typeof(SlotReservation)] = () => SlotReservation.Reserve("rs_1", 3, 7, Now, Now.AddMinutes(30), 10, Now),
    };

    [Test]
    public void Configuration_is_valid() => TestMapper.Configuration.AssertConfigurationIsValid();

    [TestCaseSource(nameof(Maps))]
    public void Every_map_maps_its_sample(Type source, Type destination)
    {
        Assert.That(Samples.TryGetValue(source, out var sample), Is.True, $"no sample of {source.Name} in {nameof(Samples)}");

        Assert.That(Mapper.Map(sample!(), source, destination), Is.InstanceOf(destination));
    }

    private static IEnumerable<TestCaseData> Maps() =>
        TestMapper
            .Configuration.Internal()
            .GetAllTypeMaps()
            .Select(map =>
                new TestCaseData(map.SourceType, map.DestinationType).SetArgDisplayNames(map.SourceType.Name, map.DestinationType.Name)
            );

    [Test]
    public void A_schedule_shows_its_owner_and_hours_as_cal_com_writes_them()
    {
        var dto = Mapper.Map<ScheduleDto>(Samples[typeof(Schedule)]());

        Assert.That(dto.OwnerId, Is.EqualTo(7));
        Assert.That(dto.Availability[0].Days, Is.EqualTo(new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }));
        Assert.That((dto.Availability[0].StartTime, dto.Availability[0].EndTime), Is.EqualTo(("09:00", "17:00")));
        Assert.That(dto.Overrides.Single(), Is.EqualTo(new OverrideDto("2026-12-24", "09:00", "12:00")));
    }

    [Test]
    public void A_managed_user_has_its_created_date_in_milliseconds_and_its_metadata_as_json()
    {
        var user = Host().With(nameof(User.Metadata), """{"plan":"pro"}""");

        var dto = Mapper.Map<ManagedUserDto>(user);

        Assert.That(dto.CreatedDate, Is.EqualTo(new DateTime(2026, 12, 2, 9, 30, 15, 123, DateTimeKind.Utc)));
        Assert.That(dto.CreatedDate.Kind, Is.EqualTo(DateTimeKind.Utc));
        Assert.That(dto.Metadata?.GetProperty("plan").GetString(), Is.EqualTo("pro"));
        Assert.That(Mapper.Map<ManagedUserDto>(Host()).Metadata, Is.Null);
    }

    [Test]
    public void A_webhook_shows_its_uid_and_triggers_and_the_owner_of_a_user_webhook_only()
    {
        var mine = Mapper.Map<WebhookDto>(Webhook(null));
        var eventTypes = Mapper.Map<WebhookDto>(Webhook(3));

        Assert.That(
            (mine.Id, mine.Triggers, mine.Secret, mine.UserId, mine.EventTypeId),
            Is.EqualTo(("wh_1", new[] { "BOOKING_CREATED" }, (string?)null, (int?)7, (int?)null))
        );
        Assert.That((eventTypes.UserId, eventTypes.EventTypeId), Is.EqualTo(((int?)null, (int?)3)));
    }

    [Test]
    public void A_delivery_shows_its_trigger_and_status()
    {
        var dto = Mapper.Map<WebhookDeliveryDto>(Delivery());

        Assert.That(
            (dto.Id, dto.TriggerEvent, dto.Status, dto.NextAttemptAt),
            Is.EqualTo(("del_1", "BOOKING_CREATED", "pending", (DateTimeOffset?)Now))
        );
    }

    [Test]
    public void A_booking_shows_its_host_attendee_guests_and_responses_and_a_cancellation_once_cancelled()
    {
        var booking = Booking();
        var accepted = Mapper.Map<BookingDto>(new HostedBooking(booking, Host(), EventType.Create(7, "Intro", "intro", 30)));

        Assert.That(
            accepted.Hosts.Single(),
            Is.EqualTo(
                new BookingHostDto(7, "host@example.com", "host@example.com", "host@example.com", "host-example-com", "Europe/Berlin")
            )
        );
        Assert.That(
            accepted.Attendees.Single(),
            Is.EqualTo(new BookingAttendeeDto("Ann", "ann@example.com", "ann@example.com", "Asia/Tokyo", "en", false))
        );
        Assert.That(
            (accepted.Status, accepted.Duration, accepted.EventType, accepted.CancellationReason),
            Is.EqualTo(("accepted", 30, new BookingEventTypeDto(3, "intro"), (string?)null))
        );
        Assert.That(accepted.Guests, Is.EqualTo(new[] { "g@example.com" }));
        Assert.That(
            JsonSerializer.Serialize(accepted.BookingFieldsResponses),
            Is.EqualTo("""{"name":"Ann","email":"ann@example.com","guests":["g@example.com"]}""")
        );
        Assert.That(accepted.Metadata.GetProperty("k").GetString(), Is.EqualTo("v"));

        booking.Cancel(null, "host@example.com", Now);
        var cancelled = Mapper.Map<BookingDto>(new HostedBooking(booking, Host(), null));

        Assert.That(
            (cancelled.Status, cancelled.CancellationReason, cancelled.CancelledByEmail, cancelled.EventType.Slug),
            Is.EqualTo(("cancelled", "", "host@example.com", ""))
        );
    }

    [Test]
    public void A_reservation_shows_its_slot_length_and_the_time_it_is_held_for()
    {
        var dto = Mapper.Map<SlotReservationDto>(Samples[typeof(SlotReservation)]());

        Assert.That(
            (dto.ReservationUid, dto.SlotDuration, dto.ReservationDuration, dto.ReservationUntil),
            Is.EqualTo(("rs_1", 30, (int?)10, Now.AddMinutes(10)))
        );
    }

    [Test]
    public void An_integration_shows_the_apps_name_variant_categories_and_folder()
    {
        var dto = Mapper.Map<IntegrationDto>(IcsFeedApp);

        Assert.That(
            (dto.Name, dto.Variant, dto.Categories, dto.DirName, dto.LocationOption),
            Is.EqualTo(("ICS Feed", "calendar", new[] { "calendar" }, "ics-feedcalendar", (object?)null))
        );
    }
}

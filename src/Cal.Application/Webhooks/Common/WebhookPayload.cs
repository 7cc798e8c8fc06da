using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cal.Application.Bookings.Common;
using Cal.Domain.Bookings;
using Cal.Domain.Common;
using Cal.Domain.EventTypes;
using Cal.Domain.Users;
using Cal.Domain.Webhooks;

namespace Cal.Application.Webhooks.Common;

/// <summary>
/// cal.com's webhook payload of a booking change (its <c>EventPayloadType</c>: the calendar event, the booking's ids and
/// status, the event type's facts), as the JSON object templates are rendered over and that is sent inside
/// <c>{"triggerEvent","createdAt","payload"}</c>. Built once, when the change is made: every attempt sends the same bytes.
/// </summary>
public static class WebhookPayload
{
    public static string TriggerOf(BookingChange change) =>
        change switch
        {
            BookingChange.Created => WebhookTriggers.BookingCreated,
            BookingChange.Rescheduled => WebhookTriggers.BookingRescheduled,
            _ => WebhookTriggers.BookingCancelled,
        };

    /// <summary>cal.com's times (<c>dayjs().utc().format()</c>): seconds, <c>Z</c>.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>cal.com's <c>createdAt</c> (<c>new Date().toISOString()</c>): milliseconds, <c>Z</c>.</summary>
    public static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <param name="booking">The booking the change is about: the new one of a reschedule.</param>
    /// <param name="previous">The booking a reschedule moved from.</param>
    public static JsonObject For(BookingChange change, Booking booking, Booking? previous, User host, EventType eventType)
    {
        var guests = JsonSerializer.Deserialize<List<string>>(booking.Guests) ?? [];
        var payload = new JsonObject
        {
            ["type"] = eventType.Slug,
            ["title"] = booking.Title,
            ["description"] = booking.Description,
            ["additionalNotes"] = booking.Description,
            ["customInputs"] = new JsonObject(),
            ["startTime"] = Time(booking.Start),
            ["endTime"] = Time(booking.End),
            ["organizer"] = Organizer(host, booking.Start),
            ["responses"] = Responses(booking, guests),
            ["userFieldsResponses"] = new JsonObject(),
            ["attendees"] = Attendees(booking, guests),
            ["location"] = null,
            ["destinationCalendar"] = null,
            ["hideCalendarNotes"] = false,
            ["requiresConfirmation"] = false,
            ["eventTypeId"] = eventType.Id,
            ["seatsShowAttendees"] = true,
            ["seatsPerTimeSlot"] = null,
            ["uid"] = booking.Uid,
            ["bookingId"] = booking.Id == 0 ? null : booking.Id,
            ["iCalUID"] = booking.IcsUid,
            ["iCalSequence"] = change == BookingChange.Cancelled ? 1 : 0,
            ["eventTitle"] = eventType.Title,
            ["eventDescription"] = eventType.Description,
            ["price"] = 0,
            ["currency"] = "usd",
            ["length"] = (int)booking.Duration.TotalMinutes,
            ["metadata"] = JsonNode.Parse(booking.Metadata) ?? new JsonObject(),
            ["status"] = booking.IsAccepted ? "ACCEPTED" : "CANCELLED",
        };
        AddChangeFields(payload, change, booking, previous);
        return payload;
    }

    /// <summary>A reschedule's previous booking and reason, or a cancellation's reason and author, after the common fields.</summary>
    private static void AddChangeFields(JsonObject payload, BookingChange change, Booking booking, Booking? previous)
    {
        if (change == BookingChange.Rescheduled && previous is not null)
        {
            payload["rescheduleId"] = previous.Id;
            payload["rescheduleUid"] = previous.Uid;
            payload["rescheduleStartTime"] = Time(previous.Start);
            payload["rescheduleEndTime"] = Time(previous.End);
            payload["rescheduledBy"] = previous.CancelledByEmail;
            payload["reschedulingReason"] = booking.ReschedulingReason;
        }
        else if (change == BookingChange.Cancelled)
        {
            payload["cancellationReason"] = booking.CancellationReason ?? "";
            payload["cancelledBy"] = booking.CancelledByEmail;
        }
    }

    private static JsonObject Organizer(User host, DateTimeOffset start) =>
        new()
        {
            ["id"] = host.Id,
            ["name"] = host.Name ?? host.Email,
            ["email"] = host.Email,
            ["username"] = host.Username,
            ["timeZone"] = host.TimeZone,
            ["language"] = new JsonObject { ["locale"] = host.Locale ?? "en" },
            ["timeFormat"] = host.TimeFormat == 24 ? "HH:mm" : "h:mma",
            ["utcOffset"] = UtcOffset(host.TimeZone, start),
        };

    /// <summary>cal.com's booking responses: name, email, and the guests when there are any.</summary>
    private static JsonObject Responses(Booking booking, List<string> guests)
    {
        var responses = new JsonObject
        {
            ["name"] = new JsonObject { ["label"] = "your_name", ["value"] = booking.AttendeeName },
            ["email"] = new JsonObject { ["label"] = "email_address", ["value"] = booking.AttendeeEmail },
        };
        if (guests.Count > 0)
        {
            responses["guests"] = new JsonObject
            {
                ["label"] = "additional_guests",
                ["value"] = new JsonArray([.. guests.Select(g => (JsonNode?)JsonValue.Create(g))]),
            };
        }

        return responses;
    }

    /// <summary>The booker, then each guest (no name; the booker's zone and language), as cal.com lists attendees.</summary>
    private static JsonArray Attendees(Booking booking, List<string> guests)
    {
        var attendees = new JsonArray { Attendee(booking.AttendeeName, booking.AttendeeEmail, booking) };
        foreach (var guest in guests)
        {
            attendees.Add(Attendee("", guest, booking));
        }

        return attendees;
    }

    private static JsonObject Attendee(string name, string email, Booking booking) =>
        new()
        {
            ["name"] = name,
            ["email"] = email,
            ["timeZone"] = booking.AttendeeTimeZone,
            ["language"] = new JsonObject { ["locale"] = booking.AttendeeLanguage },
            ["utcOffset"] = UtcOffset(booking.AttendeeTimeZone, booking.Start),
        };

    /// <summary>The offset of <paramref name="zone"/> at <paramref name="at"/>, in minutes (cal.com's <c>utcOffset</c>).</summary>
    private static int UtcOffset(string zone, DateTimeOffset at) =>
        IanaTimeZone.TryParse(zone, out var iana) ? (int)iana.System.GetUtcOffset(at).TotalMinutes : 0;
}

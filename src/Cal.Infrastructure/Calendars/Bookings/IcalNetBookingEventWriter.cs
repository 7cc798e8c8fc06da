using Cal.Application.Bookings.SideEffects;
using Cal.Domain.Bookings;
using Cal.Domain.Users;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Cal.Infrastructure.Calendars.Bookings;

/// <summary>
/// A booking as one iCalendar object, serialised by Ical.Net (the design's library for writing iCalendar): one VEVENT with
/// the booking's <c>UID</c>, <c>DTSTAMP</c>, <c>DTSTART</c>/<c>DTEND</c> in UTC, <c>SUMMARY</c>, <c>DESCRIPTION</c>, the host as
/// <c>ORGANIZER</c>, the attendee and guests as <c>ATTENDEE</c>s awaiting an answer, <c>STATUS:CONFIRMED</c> and
/// <c>SEQUENCE:0</c>; no <c>METHOD</c> (RFC 4791: an object stored in a calendar is not a scheduling message).
/// </summary>
internal sealed class IcalNetBookingEventWriter : IBookingEventWriter
{
    public string Render(Booking booking, User host, DateTimeOffset stamp)
    {
        var calendar = new Calendar { ProductId = "-//Cal//Bookings//EN" };
        var e = new CalendarEvent
        {
            Uid = booking.IcsUid,
            DtStamp = Utc(stamp),
            DtStart = Utc(booking.Start),
            DtEnd = Utc(booking.End),
            Summary = booking.Title,
            Description = booking.Description,
            Status = "CONFIRMED",
            Sequence = 0,
            Organizer = new Organizer("mailto:" + host.Email) { CommonName = host.Name ?? host.Email },
        };
        e.Attendees.Add(Attendee(booking.AttendeeEmail, booking.AttendeeName));
        foreach (var guest in System.Text.Json.JsonSerializer.Deserialize<List<string>>(booking.Guests) ?? [])
        {
            e.Attendees.Add(Attendee(guest, null));
        }

        calendar.Events.Add(e);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    private static CalDateTime Utc(DateTimeOffset instant) =>
        new(DateTime.SpecifyKind(instant.UtcDateTime, DateTimeKind.Utc), "UTC", hasTime: true);

    private static global::Ical.Net.DataTypes.Attendee Attendee(string email, string? name) =>
        new("mailto:" + email)
        {
            CommonName = name,
            ParticipationStatus = "NEEDS-ACTION",
            Role = "REQ-PARTICIPANT",
            Rsvp = true,
        };
}

using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// A provider whose calendars Cal can write bookings to (CalDAV and Apple; an ICS feed cannot be written). What a new
/// writable provider implements: write one iCalendar object (a booking's event, with its UID) to a calendar of the
/// credential and answer where it went and its version; delete such an object (gone or changed counts as done). Each
/// call reports a failure in the result, never by throwing, so the outbox can tell a retry from a refusal.
/// </summary>
public interface IWritableCalendarProvider : ICalendarProvider
{
    Task<OutboundResult<CalDavWritten>> WriteEventAsync(
        Credential credential,
        string calendarId,
        string uid,
        string icalendar,
        CancellationToken cancellationToken
    );

    Task<OutboundResult<CalDavWritten>> DeleteEventAsync(
        Credential credential,
        string calendarId,
        string href,
        string? etag,
        CancellationToken cancellationToken
    );
}

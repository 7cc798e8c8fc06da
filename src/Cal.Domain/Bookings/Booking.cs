using Cal.Domain.Common;

namespace Cal.Domain.Bookings;

/// <summary>cal.com's booking statuses Cal has (a one-host, non-seated event type's): accepted or cancelled.</summary>
public enum BookingStatus
{
    Accepted,
    Cancelled,
}

/// <summary>
/// A booked slot of a host's event type (cal.com's booking of a one-host, non-seated, non-recurring event type). Its
/// <see cref="BlockStart"/>/<see cref="BlockEnd"/> are its time widened by its event type's buffers as they were when it
/// was booked: two accepted bookings of one host never have overlapping blocks, which the database decides as it inserts.
/// </summary>
public sealed class Booking : Entity
{
    private Booking()
    {
        Uid =
            IcsUid =
            Title =
            Description =
            AttendeeName =
            AttendeeEmail =
            AttendeeTimeZone =
            AttendeeLanguage =
            Guests =
            Metadata =
            RootUid =
                "";
    }

    /// <summary>The booking's public id (at least 128 bits, URL-safe): whoever holds it may read, cancel and reschedule it, as in
    /// cal.com.</summary>
    public string Uid { get; private set; }

    /// <summary>The uid of the booking this one was rescheduled from, back to the first: what orders every side effect of one booking's
    /// history.</summary>
    public string RootUid { get; private set; }

    /// <summary>The UID of the calendar event written for it (cal.com's <c>icsUid</c>).</summary>
    public string IcsUid { get; private set; }

    public int EventTypeId { get; private set; }

    public int HostUserId { get; private set; }

    public string Title { get; private set; }

    public string Description { get; private set; }

    public DateTimeOffset Start { get; private set; }

    public DateTimeOffset End { get; private set; }

    public DateTimeOffset BlockStart { get; private set; }

    public DateTimeOffset BlockEnd { get; private set; }

    public BookingStatus Status { get; private set; }

    public string AttendeeName { get; private set; }

    public string AttendeeEmail { get; private set; }

    /// <summary>The attendee's IANA zone.</summary>
    public string AttendeeTimeZone { get; private set; }

    public string AttendeeLanguage { get; private set; }

    /// <summary>Guests' e-mails as a JSON array.</summary>
    public string Guests { get; private set; }

    /// <summary>The booker's key/value metadata, as a JSON object.</summary>
    public string Metadata { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    public string? CancellationReason { get; private set; }

    public string? CancelledByEmail { get; private set; }

    public string? RescheduledToUid { get; private set; }

    public string? RescheduledFromUid { get; private set; }

    public string? ReschedulingReason { get; private set; }

    /// <summary>The calendar the event is written to (the host's destination calendar when this was booked), if any.</summary>
    public int? DestinationCredentialId { get; private set; }

    public string? DestinationCalendarUrl { get; private set; }

    /// <summary>Where the event was written, and the ETag the server answered (null until the write was made).</summary>
    public string? CalendarEventHref { get; private set; }

    public string? CalendarEventETag { get; private set; }

    /// <summary>The <c>Idempotency-Key</c> it was created with, and a hash of that request's body.</summary>
    public string? IdempotencyKey { get; private set; }

    public string? IdempotencyHash { get; private set; }

    public TimeSpan Duration => End - Start;

    public bool IsAccepted => Status == BookingStatus.Accepted;

    /// <summary>A new accepted booking; <paramref name="bufferBefore"/>/<paramref name="bufferAfter"/> are its event type's.</summary>
    public static Booking Accept(
        string uid,
        string icsUid,
        int eventTypeId,
        int hostUserId,
        string title,
        string description,
        DateTimeOffset start,
        DateTimeOffset end,
        TimeSpan bufferBefore,
        TimeSpan bufferAfter,
        Attendee attendee,
        string guestsJson,
        string metadataJson,
        DateTimeOffset now
    )
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uid);
        ArgumentException.ThrowIfNullOrWhiteSpace(icsUid);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        return new Booking
        {
            Uid = uid,
            RootUid = uid,
            IcsUid = icsUid,
            EventTypeId = eventTypeId,
            HostUserId = hostUserId,
            Title = title,
            Description = description,
            Start = start.ToUniversalTime(),
            End = end.ToUniversalTime(),
            BlockStart = (start - bufferBefore).ToUniversalTime(),
            BlockEnd = (end + bufferAfter).ToUniversalTime(),
            Status = BookingStatus.Accepted,
            AttendeeName = attendee.Name,
            AttendeeEmail = attendee.Email,
            AttendeeTimeZone = attendee.TimeZone,
            AttendeeLanguage = attendee.Language,
            Guests = guestsJson,
            Metadata = metadataJson,
            CreatedAt = now,
        };
    }

    /// <summary>Its event goes to this calendar (decided when it is booked: a later change of destination leaves it where it is).</summary>
    public void WriteTo(int credentialId, string calendarUrl)
    {
        DestinationCredentialId = credentialId;
        DestinationCalendarUrl = calendarUrl;
    }

    public void RememberIdempotency(string key, string hash)
    {
        IdempotencyKey = key;
        IdempotencyHash = hash;
    }

    /// <summary>A booking made by rescheduling <paramref name="from"/>: it continues its history.</summary>
    public void RescheduleFrom(Booking from, string? reason)
    {
        RootUid = from.RootUid;
        RescheduledFromUid = from.Uid;
        ReschedulingReason = reason;
    }

    public void Cancel(string? reason, string? byEmail, DateTimeOffset now)
    {
        if (Status == BookingStatus.Cancelled)
        {
            throw new InvalidOperationException("The booking is already cancelled.");
        }

        Status = BookingStatus.Cancelled;
        CancellationReason = reason;
        CancelledByEmail = byEmail;
        UpdatedAt = now;
    }

    /// <summary>Cancelled because it moved to <paramref name="to"/>.</summary>
    public void MoveTo(Booking to, string? reason, string? byEmail, DateTimeOffset now)
    {
        Cancel(reason, byEmail, now);
        RescheduledToUid = to.Uid;
        ReschedulingReason = reason;
    }

    public void EventWritten(string href, string? etag)
    {
        CalendarEventHref = href;
        CalendarEventETag = etag;
    }
}

/// <summary>The person who booked: name, e-mail, IANA zone and language.</summary>
public sealed record Attendee(string Name, string Email, string TimeZone, string Language);

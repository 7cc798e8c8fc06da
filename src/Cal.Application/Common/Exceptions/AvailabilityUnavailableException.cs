namespace Cal.Application.Common.Exceptions;

/// <summary>
/// An event type's availability cannot be computed now because a calendar of its host cannot be read (503). Shown to
/// anonymous callers (slots, bookings), so it names the event type only: never the host's account, credential or what
/// the calendar server answered.
/// </summary>
public sealed class AvailabilityUnavailableException(int eventTypeId)
    : Exception(
        $"The availability of event type {eventTypeId} cannot be computed now: a calendar of its host cannot be read. Try again later."
    )
{
    public int EventTypeId { get; } = eventTypeId;
}

using Cal.Domain.Common;

namespace Cal.Domain.Bookings;

/// <summary>
/// A slot held for a while (cal.com's reserved slot): not offered to anyone else until <see cref="ReservedUntil"/>, and
/// bookable only with its <see cref="Uid"/> meanwhile.
/// </summary>
public sealed class SlotReservation : Entity
{
    private SlotReservation()
    {
        Uid = "";
    }

    public string Uid { get; private set; }

    public int EventTypeId { get; private set; }

    public int HostUserId { get; private set; }

    public DateTimeOffset SlotStart { get; private set; }

    public DateTimeOffset SlotEnd { get; private set; }

    public DateTimeOffset ReservedUntil { get; private set; }

    /// <summary>Minutes it was reserved for (cal.com's <c>reservationDuration</c>).</summary>
    public int ReservationMinutes { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsActiveAt(DateTimeOffset now) => ReservedUntil > now;

    public static SlotReservation Reserve(
        string uid,
        int eventTypeId,
        int hostUserId,
        DateTimeOffset start,
        DateTimeOffset end,
        int minutes,
        DateTimeOffset now
    )
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uid);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(minutes, 0);
        return new SlotReservation
        {
            Uid = uid,
            EventTypeId = eventTypeId,
            HostUserId = hostUserId,
            SlotStart = start.ToUniversalTime(),
            SlotEnd = end.ToUniversalTime(),
            ReservationMinutes = minutes,
            ReservedUntil = now.AddMinutes(minutes),
            CreatedAt = now,
        };
    }

    /// <summary>Moved to another slot (cal.com's PATCH): its time starts again.</summary>
    public void Move(int eventTypeId, DateTimeOffset start, DateTimeOffset end, int minutes, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        EventTypeId = eventTypeId;
        SlotStart = start.ToUniversalTime();
        SlotEnd = end.ToUniversalTime();
        ReservationMinutes = minutes;
        ReservedUntil = now.AddMinutes(minutes);
    }
}

using System.Text.Json.Serialization;

namespace Cal.Application.Slots.Common;

/// <summary>cal.com's reserved slot (2024-09-04): <c>reservationDuration</c> only where the host made it (in minutes).</summary>
public sealed record SlotReservationDto(
    int EventTypeId,
    DateTimeOffset SlotStart,
    DateTimeOffset SlotEnd,
    int SlotDuration,
    string ReservationUid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ReservationDuration,
    DateTimeOffset ReservationUntil
);

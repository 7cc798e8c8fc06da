using Cal.Application.Bookings.Common;
using Cal.Application.Common.Exceptions;
using Cal.Domain.Bookings;

namespace Cal.Application.Slots.Common;

/// <summary>How every reservation use case finds one: by uid, and only while it lasts.</summary>
public static class SlotReservationAccess
{
    /// <summary>cal.com's 404 for a reservation that is unknown or has expired.</summary>
    public static string NotFound(string uid) => $"Slot with uid={uid} not found";

    /// <summary>The unexpired reservation with that uid; unknown and expired ones are not found (404).</summary>
    public static async Task<SlotReservation> FindActiveAsync(
        this ISlotReservationStore reservations,
        string uid,
        DateTimeOffset now,
        CancellationToken cancellationToken
    ) =>
        await reservations.FindAsync(uid, cancellationToken) is { } found && found.IsActiveAt(now)
            ? found
            : throw new NotFoundException(NotFound(uid));
}

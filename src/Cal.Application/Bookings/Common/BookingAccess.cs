using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using Cal.Domain.Users;

namespace Cal.Application.Bookings.Common;

/// <summary>
/// Who may act on a booking by its uid. The uid is the secret, as in cal.com: without a key or token, whoever holds it
/// may read, cancel and reschedule (the attendee's link). With one, the caller must be the booking's host: another
/// user's key or token is told the booking does not exist (so a platform that mixes up its users' tokens cannot act on
/// another host's booking, and learns nothing of it).
/// </summary>
public sealed class BookingAccess(IBookingStore store, IUserRepository users, IEventTypeRepository eventTypes)
{
    public static string NotFound(string uid) => $"Booking with uid={uid} was not found in the database";

    public async Task<(Booking Booking, User Host, EventType? EventType)> FindAsync(
        string uid,
        int? callerUserId,
        CancellationToken cancellationToken
    )
    {
        var booking = await store.FindAsync(uid, cancellationToken);
        if (booking is null || (callerUserId is { } caller && caller != booking.HostUserId))
        {
            throw new NotFoundException(NotFound(uid));
        }

        var host = await users.FindByIdAsync(booking.HostUserId, cancellationToken) ?? throw new NotFoundException(NotFound(uid));
        return (booking, host, await eventTypes.FindAsync(booking.EventTypeId, cancellationToken));
    }
}

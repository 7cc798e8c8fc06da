using Cal.Domain.Bookings;
using Cal.Domain.Outbox;

namespace Cal.Application.Bookings.Common;

/// <summary>What an insert of an accepted booking came to, decided inside its transaction.</summary>
public enum BookingInsert
{
    Inserted,

    /// <summary>An accepted booking of the host overlaps it (buffers included): nothing stored.</summary>
    Overlaps,

    /// <summary>Another caller's unexpired reservation holds the slot: nothing stored.</summary>
    Reserved,

    /// <summary>The booking being rescheduled was cancelled meanwhile: nothing stored.</summary>
    NoLongerAccepted,
}

/// <summary>The outcome, and for <see cref="BookingInsert.Reserved"/> when the reservation ends.</summary>
public sealed record BookingInsertResult(BookingInsert Outcome, DateTimeOffset? ReservedUntil = null);

/// <summary>What an <c>Idempotency-Key</c> already stands for.</summary>
public enum IdempotencyClaim
{
    /// <summary>New: this request makes the booking (and <see cref="IBookingStore.ReleaseAsync"/>s the key if it fails).</summary>
    Claimed,

    /// <summary>The same key and body, still being booked by another request.</summary>
    InFlight,

    /// <summary>The same key and body booked already: answer that booking.</summary>
    Done,

    /// <summary>The same key with another body.</summary>
    OtherBody,
}

/// <summary>
/// Bookings, reservations and the outbox, in the transactions that make them safe: an accepted booking is inserted only
/// if, under a lock on its host that concurrent inserts cannot both hold, no accepted booking of that host overlaps it
/// and no one else's reservation holds its time; its side effects are stored in the same transaction.
/// </summary>
public interface IBookingStore
{
    /// <summary>
    /// Inserts <paramref name="booking"/> (accepted) and <paramref name="sideEffects"/> in one transaction, under the host's
    /// lock, after checking overlaps (<paramref name="replacing"/>'s own time aside: it is being rescheduled, and is cancelled
    /// in the same transaction) and reservations (<paramref name="reservationUid"/>'s is consumed). <paramref name="idempotencyKey"/>,
    /// when given, is marked as standing for this booking.
    /// </summary>
    Task<BookingInsertResult> InsertAcceptedAsync(
        Booking booking,
        IReadOnlyList<OutboxItem> sideEffects,
        string? reservationUid,
        Booking? replacing,
        string? idempotencyKey,
        DateTimeOffset now,
        CancellationToken cancellationToken
    );

    /// <summary>Cancels <paramref name="booking"/> (already changed) and stores its side effects, in one transaction; false when it was not
    /// accepted any more.</summary>
    Task<bool> CancelAsync(Booking booking, IReadOnlyList<OutboxItem> sideEffects, CancellationToken cancellationToken);

    Task<Booking?> FindAsync(string uid, CancellationToken cancellationToken);

    /// <summary>A booking's database id by its uid (null: none).</summary>
    Task<int?> IdOfAsync(string uid, CancellationToken cancellationToken);

    /// <summary>The host's bookings matching the filter, and how many match in all.</summary>
    Task<(IReadOnlyList<Booking> Page, int Total)> ListAsync(BookingFilter filter, CancellationToken cancellationToken);

    /// <summary>The blocks (buffers included) of the host's accepted bookings that overlap [from, to).</summary>
    Task<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>> AcceptedBlocksAsync(
        int hostUserId,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    );

    /// <summary>The host's cancelled bookings over [from, to) whose calendar event may still be on the calendar (its delete not done
    /// yet).</summary>
    Task<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>> PendingEventDeletesAsync(
        int hostUserId,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    );

    /// <summary>Records where a booking's event was written (and its ETag).</summary>
    Task EventWrittenAsync(string uid, string href, string? etag, CancellationToken cancellationToken);

    /// <summary>Claims <paramref name="key"/> for a request whose body hashes to <paramref name="bodyHash"/> (keys last 24
    /// hours).</summary>
    Task<(IdempotencyClaim Claim, string? BookingUid)> ClaimAsync(
        string key,
        string bodyHash,
        DateTimeOffset now,
        CancellationToken cancellationToken
    );

    /// <summary>Lets go of a claimed key whose request failed, so it can be sent again.</summary>
    Task ReleaseAsync(string key, CancellationToken cancellationToken);
}

/// <summary>cal.com's <c>GET /v2/bookings</c> filters, for one host.</summary>
public sealed record BookingFilter(
    int HostUserId,
    bool Upcoming,
    bool Past,
    bool Cancelled,
    string? AttendeeEmail,
    int? EventTypeId,
    DateTimeOffset? AfterStart,
    DateTimeOffset? BeforeEnd,
    bool Descending,
    int Take,
    int Skip,
    DateTimeOffset Now
);

/// <summary>Slot reservations.</summary>
public interface ISlotReservationStore
{
    /// <summary>
    /// Stores <paramref name="reservation"/> (or moves it, for one already stored), under the host's lock, unless an
    /// accepted booking or another unexpired reservation of the host overlaps it.
    /// </summary>
    Task<ReservationOutcome> SaveAsync(SlotReservation reservation, bool isNew, DateTimeOffset now, CancellationToken cancellationToken);

    Task<SlotReservation?> FindAsync(string uid, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string uid, CancellationToken cancellationToken);

    /// <summary>The host's unexpired reservations over [from, to), but <paramref name="exceptUid"/>'s.</summary>
    Task<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>> ActiveAsync(
        int hostUserId,
        DateTimeOffset from,
        DateTimeOffset to,
        DateTimeOffset now,
        string? exceptUid,
        CancellationToken cancellationToken
    );

    /// <summary>Deletes reservations that ended before <paramref name="before"/>; how many.</summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

public enum ReservationOutcome
{
    Saved,
    Booked,
    ReservedByAnother,
}
